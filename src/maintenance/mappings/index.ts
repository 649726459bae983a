/** The CMMS payload formats of the GET routes (`?format=`). */
import type { EffectiveSettings } from '../cmms/cmms-settings.js';
import type { SuggestionDto } from '../suggestion-dto.js';
import { toMaintainx } from './maintainx.js';
import { toMaximo } from './maximo.js';
import { toSap } from './sap.js';

export const FORMATS = ['prognos', 'maximo', 'sap', 'maintainx'] as const;
export type Format = (typeof FORMATS)[number];

export type MappedSuggestion = SuggestionDto | Record<string, unknown>;

/** Throws AppError 422 `cmms_setting_missing` when the CMMS would reject the payload. */
export function mapSuggestion(s: SuggestionDto, format: Format, e: EffectiveSettings): MappedSuggestion {
  if (format === 'maximo') return { ...toMaximo(s, e) };
  if (format === 'sap') return { ...toSap(s, e) };
  if (format === 'maintainx') return { ...toMaintainx(s, e) };
  return s;
}
