/**
 * Suggestion → SAP S/4HANA maintenance notification: the create body of API_MAINTNOTIFICATION
 * (OData V2, entity MaintenanceNotification with its to_Item / to_ItemCause compositions). Names,
 * lengths and the V2 date format as in the service metadata (src/maintenance/README.md,
 * "Sources"). Damage code = ISO 14224 failure mode, cause code = mechanism, unless the asset's or
 * site's catalog codes say otherwise; create the code groups in the catalog profile.
 */
import type { SapSettings } from '../cmms/cmms-settings.js';
import { settingMissing, type EffectiveSettings } from '../cmms/cmms-settings.js';
import type { SuggestionDto } from '../suggestion-dto.js';
import { clip, codeFromRef, truncate } from './text.js';

export interface SapNotification {
  NotificationType: 'M1' | 'M2';
  NotificationText: string;
  MaintNotifLongTextForEdit: string;
  TechnicalObject: string;
  TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI' | 'EAMS_FL';
  MaintenancePlanningPlant?: string;
  MaintPriority: '1' | '2' | '3' | '4';
  RequiredStartDate: string;
  RequiredStartTime: string;
  RequiredEndDate: string;
  RequiredEndTime: string;
  MalfunctionEffect: '1' | '2' | '3';
  MaintenanceObjectIsDown: boolean;
  MalfunctionStartDate?: string;
  MalfunctionStartTime?: string;
  ReportedByUser: string;
  /** The Prognos suggestion id (digits; the field is upper case, at most 20 characters). */
  MaintNotifExtReferenceNumber: string;
  to_Item: Array<{
    MaintNotifItemText: string;
    MaintNotifDamageCodeGroup: string;
    MaintNotificationDamageCode: string;
    to_ItemCause: Array<{
      MaintNotifCauseText: string;
      MaintNotifCauseCodeGroup: string;
      MaintNotificationCauseCode: string;
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

const LONG_TEXT_MAX = 1333;

function code(
  map: Record<string, string> | undefined,
  key: string,
  setting: string,
  e: EffectiveSettings,
): string {
  const c = map?.[key] ?? key;
  if (c.length > 4) throw settingMissing('sap', `${setting}.${key}`, e, `"${c}" is longer than 4 characters`);
  return c;
}

export function toSap(s: SuggestionDto, e: EffectiveSettings): SapNotification {
  const cfg: SapSettings = e.sap;
  const technicalObject = cfg.technicalObject ?? codeFromRef(s.asset.externalRef, 40);
  if (technicalObject === null)
    throw settingMissing('sap', 'technicalObject', e, 'the external_ref is not an SAP technical object');
  const start = sapDate(new Date(Math.min(Date.parse(s.updatedAt), Date.parse(s.dueAt))).toISOString());
  const end = sapDate(s.dueAt);
  // 1 breakdown, 2 restricted operation, 3 no effect yet.
  const effect = s.failureMode === 'BRD' && s.priority === 1 ? '1' : s.priority <= 2 ? '2' : '3';
  const breakdown = effect === '1';
  const malfunction = sapDate(s.createdAt);
  const longText = `${s.description}\n\nRecommended action: ${s.recommendedAction}\n\nPrognos suggestion ${s.id}, revision ${s.revision}`;
  return {
    // M2 (malfunction report) when the failure is at hand, M1 (maintenance request) otherwise.
    NotificationType: s.priority <= 2 ? 'M2' : 'M1',
    NotificationText: truncate(s.title, 40),
    MaintNotifLongTextForEdit: clip(longText, LONG_TEXT_MAX),
    TechnicalObject: technicalObject,
    TechObjIsEquipOrFuncnlLoc: cfg.technicalObjectType ?? 'EAMS_EQUI',
    ...(cfg.planningPlant ? { MaintenancePlanningPlant: cfg.planningPlant } : {}),
    MaintPriority: String(s.priority) as SapNotification['MaintPriority'],
    RequiredStartDate: start.date,
    RequiredStartTime: start.time,
    RequiredEndDate: end.date,
    RequiredEndTime: end.time,
    MalfunctionEffect: effect,
    MaintenanceObjectIsDown: breakdown,
    // A breakdown notification records since when: the first forecast that raised it.
    ...(breakdown ? { MalfunctionStartDate: malfunction.date, MalfunctionStartTime: malfunction.time } : {}),
    ReportedByUser: 'PROGNOS',
    MaintNotifExtReferenceNumber: String(s.id),
    to_Item: [
      {
        MaintNotifItemText: truncate(`${s.failureModeName}${s.component ? ` – ${s.component}` : ''}`, 40),
        MaintNotifDamageCodeGroup: cfg.damageCodeGroup ?? 'ISO14224',
        MaintNotificationDamageCode: code(cfg.damageCodes, s.failureMode, 'damageCodes', e),
        to_ItemCause: [
          {
            MaintNotifCauseText: truncate(s.failureMechanismName, 40),
            MaintNotifCauseCodeGroup: cfg.causeCodeGroup ?? 'ISO14MEC',
            MaintNotificationCauseCode: code(cfg.causeCodes, s.failureMechanism, 'causeCodes', e),
          },
        ],
      },
    ],
  };
}
