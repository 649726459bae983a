/**
 * Suggestion → MaintainX work order (POST /workorders body). assetId is MaintainX's numeric id,
 * taken from the asset's external_ref when that is numeric; the recommended action becomes a
 * checklist procedure.
 */
import type { SuggestionDto } from '../suggestion-dto.js';
import { actionSteps, truncate } from './text.js';

export type MaintainxPriority = 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE';

export interface MaintainxWorkOrder {
  title: string;
  description: string;
  priority: MaintainxPriority;
  dueDate: string;
  assetId: number | null;
  assetName: string;
  categories: string[];
  procedure: { title: string; fields: Array<{ type: 'CHECKBOX'; label: string }> };
  extraFields: Record<string, string>;
}

const PRIORITY: Record<number, MaintainxPriority> = { 1: 'HIGH', 2: 'MEDIUM', 3: 'LOW', 4: 'NONE' };

export function toMaintainx(s: SuggestionDto): MaintainxWorkOrder {
  const ref = s.asset.externalRef;
  return {
    title: truncate(s.title, 100),
    description: s.description,
    priority: PRIORITY[s.priority] ?? 'NONE',
    dueDate: new Date(s.dueAt).toISOString(),
    assetId: ref !== null && /^\d{1,15}$/.test(ref) ? Number(ref) : null,
    assetName: s.asset.name,
    categories: ['Predictive Maintenance', s.failureModeName],
    procedure: {
      title: 'Recommended action',
      fields: actionSteps(s.recommendedAction).map((label) => ({ type: 'CHECKBOX', label })),
    },
    extraFields: {
      'Prognos suggestion': String(s.id),
      'ISO 14224 failure mode': `${s.failureMode} ${s.failureModeName}`,
      'ISO 14224 failure mechanism': `${s.failureMechanism} ${s.failureMechanismName}`,
    },
  };
}
