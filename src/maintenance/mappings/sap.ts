/**
 * Suggestion → SAP PM maintenance notification (API_MAINTNOTIFICATION, OData V2 field names and
 * date format). Damage code = ISO 14224 failure mode (catalog group ISO14224), cause code =
 * mechanism (group ISO14MEC): create both code groups in the catalog profile.
 */
import type { SuggestionDto } from '../suggestion-dto.js';
import { cut, truncate } from './text.js';

export interface SapNotification {
  NotificationType: 'M1' | 'M2';
  NotificationText: string;
  NotificationLongText: string;
  TechnicalObject: string;
  TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI';
  MaintPriority: '1' | '2' | '3' | '4';
  MaintPriorityType: 'PM';
  RequiredStartDate: string;
  RequiredStartTime: string;
  RequiredEndDate: string;
  RequiredEndTime: string;
  MalfunctionEffect: '1' | '2' | '3';
  ReportedByUser: string;
  ExternalReference: string;
  to_Item: Array<{
    MaintNotifItemText: string;
    MaintNotifDamageCodeGroup: string;
    MaintNotifDamageCode: string;
    to_ItemCause: Array<{
      MaintNotifCauseCodeGroup: string;
      MaintNotifCauseCode: string;
      MaintNotifCauseText: string;
    }>;
  }>;
}

/** OData V2 Edm.DateTime (the UTC day at midnight) and Edm.Time of an instant. */
export function sapDate(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `/Date(${day})/`,
    time: `PT${pad(d.getUTCHours())}H${pad(d.getUTCMinutes())}M${pad(d.getUTCSeconds())}S`,
  };
}

export function toSap(s: SuggestionDto): SapNotification {
  const start = sapDate(new Date(Math.min(Date.parse(s.updatedAt), Date.parse(s.dueAt))).toISOString());
  const end = sapDate(s.dueAt);
  return {
    // M2 (malfunction report) when the failure is at hand, M1 (maintenance request) otherwise.
    NotificationType: s.priority <= 2 ? 'M2' : 'M1',
    NotificationText: truncate(s.title, 40),
    NotificationLongText: `${s.description}\n\nRecommended action: ${s.recommendedAction}`,
    TechnicalObject: cut(s.asset.externalRef ?? String(s.asset.id), 40),
    TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
    MaintPriority: String(s.priority) as SapNotification['MaintPriority'],
    MaintPriorityType: 'PM',
    RequiredStartDate: start.date,
    RequiredStartTime: start.time,
    RequiredEndDate: end.date,
    RequiredEndTime: end.time,
    // 1 breakdown, 2 restricted operation, 3 no effect yet.
    MalfunctionEffect: s.failureMode === 'BRD' && s.priority === 1 ? '1' : s.priority <= 2 ? '2' : '3',
    ReportedByUser: 'PROGNOS',
    ExternalReference: `prognos-wos-${s.id}`,
    to_Item: [
      {
        MaintNotifItemText: truncate(`${s.failureModeName}${s.component ? ` – ${s.component}` : ''}`, 40),
        MaintNotifDamageCodeGroup: 'ISO14224',
        MaintNotifDamageCode: s.failureMode,
        to_ItemCause: [
          {
            MaintNotifCauseCodeGroup: 'ISO14MEC',
            MaintNotifCauseCode: s.failureMechanism,
            MaintNotifCauseText: truncate(s.failureMechanismName, 40),
          },
        ],
      },
    ],
  };
}
