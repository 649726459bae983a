/** The CMMS payload formats of the GET routes (`?format=`). */
import type { SuggestionDto } from '../suggestion-dto.js';
import { toMaintainx } from './maintainx.js';
import { toMaximo } from './maximo.js';
import { toSap } from './sap.js';

export const FORMATS = ['prognos', 'maximo', 'sap', 'maintainx'] as const;
export type Format = (typeof FORMATS)[number];

export type MappedSuggestion = SuggestionDto | Record<string, unknown>;

export function mapSuggestion(s: SuggestionDto, format: Format): MappedSuggestion {
  if (format === 'maximo') return { ...toMaximo(s) };
  if (format === 'sap') return { ...toSap(s) };
  if (format === 'maintainx') return { ...toMaintainx(s) };
  return s;
}
