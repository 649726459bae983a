/**
 * Suggestion → MaintainX work order (POST /workorders body). assetId and locationId are
 * MaintainX's numeric ids (the asset's settings, else a numeric external_ref); categories and
 * custom fields (extraFields, keyed by the field's label) only as configured, because MaintainX
 * accepts only ones that already exist. The suggestion id goes into the configured custom field.
 */
import { settingMissing, type EffectiveSettings } from '../cmms/cmms-settings.js';
import type { SuggestionDto } from '../suggestion-dto.js';
import { actionSteps, truncate } from './text.js';

type MaintainxPriority = 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE';

export interface MaintainxWorkOrder {
  title: string;
  description: string;
  priority: MaintainxPriority;
  dueDate: string;
  assetId?: number;
  locationId?: number;
  categories?: string[];
  extraFields: Record<string, string>;
}

const PRIORITY: Record<number, MaintainxPriority> = { 1: 'HIGH', 2: 'MEDIUM', 3: 'LOW', 4: 'NONE' };

export function toMaintainx(s: SuggestionDto, e: EffectiveSettings): MaintainxWorkOrder {
  const cfg = e.maintainx;
  if (!cfg.suggestionIdField)
    throw settingMissing(
      'maintainx',
      'suggestionIdField',
      e,
      'the custom field that keeps the Prognos suggestion id',
    );
  const ref = s.asset.externalRef;
  const assetId = cfg.assetId ?? (ref !== null && /^[1-9]\d{0,14}$/.test(ref) ? Number(ref) : undefined);
  const steps = actionSteps(s.recommendedAction).map((step) => `- [ ] ${step}`);
  return {
    title: truncate(s.title, 100),
    description: [s.description, '', 'Recommended action:', ...steps].join('\n'),
    priority: PRIORITY[s.priority] ?? 'NONE',
    dueDate: new Date(s.dueAt).toISOString(),
    ...(assetId !== undefined ? { assetId } : {}),
    ...(cfg.locationId !== undefined ? { locationId: cfg.locationId } : {}),
    ...(cfg.categories && cfg.categories.length > 0 ? { categories: [...cfg.categories] } : {}),
    extraFields: {
      [cfg.suggestionIdField]: String(s.id),
      ...(cfg.failureModeField
        ? {
            [cfg.failureModeField]: `${s.failureMode} ${s.failureModeName} / ${s.failureMechanism} ${s.failureMechanismName}`,
          }
        : {}),
    },
  };
}
