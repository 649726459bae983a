/**
 * Suggestion → IBM Maximo work order request (mxapiwodetail fields), status WAPPR: a planner
 * approves it into a work order. The failure class is the asset type; the problem is the
 * ISO 14224 failure mode and the cause the mechanism (failure hierarchy via failurereport).
 */
import type { SuggestionDto } from '../suggestion-dto.js';
import { cut, isoSecondsUtc, truncate } from './text.js';

export interface MaximoWorkOrderRequest {
  siteid: string | null;
  assetnum: string;
  description: string;
  description_longdescription: string;
  wopriority: number;
  worktype: 'PM' | 'CM';
  status: 'WAPPR';
  targstartdate: string;
  targcompdate: string;
  failurecode: string;
  problemcode: string;
  failurereport: Array<{ type: 'PROBLEM' | 'CAUSE'; failurecode: string }>;
  reportedby: string;
  externalrefid: string;
}

/** Maximo limits: DESCRIPTION 100, ASSETNUM 25, FAILURECODE 8, SITEID 8. */
export function toMaximo(s: SuggestionDto): MaximoWorkOrderRequest {
  const start = Math.min(Date.parse(s.updatedAt), Date.parse(s.dueAt));
  return {
    siteid: s.asset.site === null ? null : cut(s.asset.site.toUpperCase(), 8),
    assetnum: cut(s.asset.externalRef ?? String(s.asset.id), 25),
    description: truncate(s.title, 100),
    description_longdescription: `${s.description}\n\nRecommended action: ${s.recommendedAction}`,
    wopriority: s.priority,
    // Priority 1 means the failure is at hand: corrective; otherwise planned condition-based work.
    worktype: s.priority === 1 ? 'CM' : 'PM',
    status: 'WAPPR',
    targstartdate: isoSecondsUtc(new Date(start).toISOString()),
    targcompdate: isoSecondsUtc(s.dueAt),
    failurecode: cut(s.asset.type.toUpperCase().replace(/[^A-Z0-9]/g, ''), 8),
    problemcode: s.failureMode,
    failurereport: [
      { type: 'PROBLEM', failurecode: s.failureMode },
      { type: 'CAUSE', failurecode: s.failureMechanism },
    ],
    reportedby: 'PROGNOS',
    externalrefid: `prognos-wos-${s.id}`,
  };
}
