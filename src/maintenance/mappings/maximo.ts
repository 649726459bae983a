/**
 * Suggestion → IBM Maximo work order request (MXAPIWODETAIL object structure), status WAPPR: a
 * planner approves it into a work order. Site and organisation are required real codes; the
 * failure class, problem and cause codes come from the asset's (or site's) failure hierarchy,
 * with the FAILURELIST line of each reported code (failurereport.linenum). Attribute lengths as
 * in the object structure's JSON schema (src/maintenance/README.md, "Sources").
 */
import { settingMissing, type EffectiveSettings } from '../cmms/cmms-settings.js';
import type { SuggestionDto } from '../suggestion-dto.js';
import { codeFromRef, isoSecondsUtc, truncate } from './text.js';

interface MaximoFailureReport {
  type: 'PROBLEM' | 'CAUSE';
  failurecode: string;
  linenum: number;
}

export interface MaximoWorkOrderRequest {
  siteid: string;
  orgid: string;
  assetnum: string;
  location?: string;
  description: string;
  description_longdescription: string;
  wopriority: number;
  worktype: string;
  status: 'WAPPR';
  targstartdate: string;
  targcompdate: string;
  failurecode?: string;
  problemcode?: string;
  failurereport?: MaximoFailureReport[];
  /** The Prognos suggestion id (EXTERNALREFID holds at most 10 characters). */
  externalrefid: string;
}

export function toMaximo(s: SuggestionDto, e: EffectiveSettings): MaximoWorkOrderRequest {
  const cfg = e.maximo;
  if (!cfg.siteid) throw settingMissing('maximo', 'siteid', e);
  if (!cfg.orgid) throw settingMissing('maximo', 'orgid', e);
  const assetnum = cfg.assetnum ?? codeFromRef(s.asset.externalRef, 25);
  if (assetnum === null)
    throw settingMissing('maximo', 'assetnum', e, 'the external_ref is not a Maximo asset number');
  const worktype = cfg.worktype;
  if (!worktype) throw settingMissing('maximo', 'worktype', e);
  const wopriority = cfg.wopriority?.[s.priority - 1];
  if (wopriority === undefined) throw settingMissing('maximo', 'wopriority', e);
  const start = Math.min(Date.parse(s.updatedAt), Date.parse(s.dueAt));
  // Problem and cause only within the asset's failure class, and only codes the site mapped:
  // Maximo refuses codes outside the hierarchy.
  const problem = cfg.failureClass ? cfg.problemCodes?.[s.failureMode] : undefined;
  const cause = problem ? cfg.causeCodes?.[s.failureMechanism] : undefined;
  const report: MaximoFailureReport[] = [
    ...(problem ? [{ type: 'PROBLEM' as const, failurecode: problem.code, linenum: problem.linenum }] : []),
    ...(cause ? [{ type: 'CAUSE' as const, failurecode: cause.code, linenum: cause.linenum }] : []),
  ];
  return {
    siteid: cfg.siteid,
    orgid: cfg.orgid,
    assetnum,
    ...(cfg.location ? { location: cfg.location } : {}),
    description: truncate(s.title, 100),
    description_longdescription:
      `${s.description}\n\nRecommended action: ${s.recommendedAction}\n\n` +
      `ISO 14224: ${s.failureMode} ${s.failureModeName}, mechanism ${s.failureMechanism} ${s.failureMechanismName}. ` +
      `Prognos suggestion ${s.id}, revision ${s.revision}.`,
    wopriority,
    worktype,
    status: 'WAPPR',
    targstartdate: isoSecondsUtc(new Date(start).toISOString()),
    targcompdate: isoSecondsUtc(s.dueAt),
    ...(cfg.failureClass ? { failurecode: cfg.failureClass } : {}),
    ...(problem ? { problemcode: problem.code } : {}),
    ...(report.length > 0 ? { failurereport: report } : {}),
    externalrefid: String(s.id),
  };
}
