/**
 * The CMMS mappings against the vendors' definitions: every payload is checked with a JSON Schema
 * validator against a schema written from the vendor's published interface (tests/schemas/),
 * not against the mapping's own output; then the values that carry meaning (codes, the
 * suggestion id, breakdown fields) and the refusals when a required setting is missing.
 */
import { describe, expect, it } from 'vitest';
import type { CmmsDefaults } from '../src/config.js';
import { AppError } from '../src/errors.js';
import {
  EMPTY_SETTINGS,
  effectiveSettings,
  type CmmsSettings,
  type EffectiveSettings,
} from '../src/maintenance/cmms/cmms-settings.js';
import { mapSuggestion } from '../src/maintenance/mappings/index.js';
import { toMaintainx } from '../src/maintenance/mappings/maintainx.js';
import { toMaximo } from '../src/maintenance/mappings/maximo.js';
import { sapDate, toSap } from '../src/maintenance/mappings/sap.js';
import { actionSteps, clip, truncate } from '../src/maintenance/mappings/text.js';
import type { SuggestionDto } from '../src/maintenance/suggestion-dto.js';
import { maintainxWorkOrderSchema } from './schemas/maintainx-workorder.js';
import { maximoWorkOrderSchema } from './schemas/maximo-mxapiwodetail.js';
import { sapMaintenanceNotificationSchema } from './schemas/sap-maintenance-notification.js';
import { schemaErrors } from './schemas/validate.js';

const fixture: SuggestionDto = {
  id: 4242424242,
  status: 'open',
  priority: 2,
  failureMode: 'VIB',
  failureModeName: 'Vibration',
  failureMechanism: '2.6',
  failureMechanismName: 'Fatigue',
  component: 'rolling-element bearing – outer race',
  rules: ['bearing_defect_trend', 'iso_zone'],
  title:
    'Cooling water pump P-101 (north hall): bearing outer race defect trend (BPFO ×4.2); ISO 20816 zone C (4.1 mm/s RMS)',
  description: `Failure mode VIB (Vibration), mechanism 2.6 (Fatigue).\n- [bearing_defect_trend] BPFO rose ×4.2.\n${'x'.repeat(2000)}`,
  recommendedAction:
    'Inspect the bearing outer race: envelope spectrum at BPFO and its harmonics; Check lubrication (quantity, contamination, interval); Plan the bearing replacement within 15 days',
  dueAt: '2024-06-16T10:30:15.250Z',
  evidence: {},
  forecastIds: [7, 8, 9],
  revision: 3,
  workOrderRef: null,
  statusNote: null,
  resolvedByEventId: null,
  supersedesId: null,
  supersededById: null,
  asset: {
    id: 5,
    name: 'Cooling water pump P-101',
    type: 'centrifugal pump',
    site: 'north-hall',
    externalRef: '10004711',
  },
  createdAt: '2024-06-01T08:00:00.000Z',
  updatedAt: '2024-06-01T10:30:15.250Z',
  statusChangedAt: null,
};
const breakdown: SuggestionDto = {
  ...fixture,
  priority: 1,
  failureMode: 'BRD',
  failureModeName: 'Breakdown',
  failureMechanism: '2.0',
};

const DEFAULTS: CmmsDefaults = {
  maximoWorktype: 'CM',
  maximoWopriority: [1, 2, 3, 4],
  maintainxIdField: undefined,
};
const settings = (asset: Partial<CmmsSettings> = {}, site: Partial<CmmsSettings> = {}, defaults = DEFAULTS) =>
  effectiveSettings(
    5,
    'north-hall',
    { ...EMPTY_SETTINGS, ...site },
    { ...EMPTY_SETTINGS, ...asset },
    defaults,
  );

const MAXIMO: Partial<CmmsSettings> = {
  maximo: {
    siteid: 'BEDFORD',
    orgid: 'EAGLENA',
    location: 'BR300',
    failureClass: 'PUMPS',
    problemCodes: { VIB: { code: 'VIBR', linenum: 1005 }, BRD: { code: 'BROKEN', linenum: 1007 } },
    causeCodes: { '2.6': { code: 'FATIGUE', linenum: 1011 } },
  },
};
const ORG = { categories: ['Predictive', 'Vibration'], customFields: ['Prognos suggestion', 'ISO 14224'] };

function missing(fn: () => unknown): { setting: unknown; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e).toMatchObject({ code: 'cmms_setting_missing', statusCode: 422 });
    return { setting: e.details?.setting, message: e.message };
  }
  throw new Error('the mapping produced a payload without the required setting');
}

describe('text helpers', () => {
  it('truncates with an ellipsis inside the limit, keeps long text lines, splits actions', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('a  b\nc', 10)).toBe('a b c');
    expect(clip('a\nb', 10)).toBe('a\nb');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(actionSteps('a; b ;; c')).toEqual(['a', 'b', 'c']);
  });
});

describe('SAP API_MAINTNOTIFICATION', () => {
  it('every payload passes the schema of the service metadata', () => {
    for (const s of [fixture, breakdown, { ...fixture, priority: 4 }, { ...fixture, component: null }])
      expect(schemaErrors(sapMaintenanceNotificationSchema, toSap(s, settings()))).toEqual([]);
    const planned = settings({
      sap: { technicalObject: '1010-CWS-WCS-CWCP1', technicalObjectType: 'EAMS_FL', planningPlant: '1010' },
    });
    expect(schemaErrors(sapMaintenanceNotificationSchema, toSap(fixture, planned))).toEqual([]);
  });

  it('the schema catches the old defects', () => {
    const n = { ...toSap(fixture, settings()) } as Record<string, unknown>;
    for (const bad of [
      { NotificationLongText: 'x' },
      { ExternalReference: 'prognos-wos-1' },
      { MaintPriorityType: 'PM' },
      { MaintNotifLongTextForEdit: 'x'.repeat(1334) },
      { MaintNotifExtReferenceNumber: 'prognos-wos-1' },
    ])
      expect(schemaErrors(sapMaintenanceNotificationSchema, { ...n, ...bad })).not.toEqual([]);
  });

  it('fields: long text, suggestion id, codes, dates, breakdown', () => {
    expect(sapDate('2024-06-16T10:30:15.250Z')).toEqual({
      date: `/Date(${Date.UTC(2024, 5, 16)})/`,
      time: 'PT10H30M15S',
    });
    const n = toSap(fixture, settings());
    expect(n.MaintNotifLongTextForEdit.length).toBe(1333);
    expect(n.MaintNotifLongTextForEdit.startsWith('Failure mode VIB')).toBe(true);
    expect(n).toMatchObject({
      NotificationType: 'M2',
      TechnicalObject: '10004711',
      MaintPriority: '2',
      MaintNotifExtReferenceNumber: '4242424242',
      RequiredStartDate: `/Date(${Date.UTC(2024, 5, 1)})/`,
      RequiredEndDate: `/Date(${Date.UTC(2024, 5, 16)})/`,
      MalfunctionEffect: '2',
      MaintenanceObjectIsDown: false,
    });
    expect(n).not.toHaveProperty('MalfunctionStartDate');
    expect(n.to_Item[0]).toMatchObject({
      MaintNotifDamageCodeGroup: 'ISO14224',
      MaintNotificationDamageCode: 'VIB',
      to_ItemCause: [
        {
          MaintNotifCauseCodeGroup: 'ISO14MEC',
          MaintNotificationCauseCode: '2.6',
          MaintNotifCauseText: 'Fatigue',
        },
      ],
    });
    expect(toSap(breakdown, settings())).toMatchObject({
      MalfunctionEffect: '1',
      MaintenanceObjectIsDown: true,
      MalfunctionStartDate: `/Date(${Date.UTC(2024, 5, 1)})/`,
      MalfunctionStartTime: 'PT08H00M00S',
    });
    const catalog = settings({
      sap: {
        damageCodeGroup: 'PM-PUMP',
        causeCodeGroup: 'PM-CAUS',
        damageCodes: { VIB: 'V01' },
        causeCodes: { '2.6': 'C26' },
      },
    });
    expect(toSap(fixture, catalog).to_Item[0]).toMatchObject({
      MaintNotifDamageCodeGroup: 'PM-PUMP',
      MaintNotificationDamageCode: 'V01',
      to_ItemCause: [{ MaintNotifCauseCodeGroup: 'PM-CAUS', MaintNotificationCauseCode: 'C26' }],
    });
  });

  it('refuses without a technical object', () => {
    const noRef = { ...fixture, asset: { ...fixture.asset, externalRef: 'rc/pump 01' } };
    expect(missing(() => toSap(noRef, settings())).setting).toBe('sap.technicalObject');
    expect(toSap(noRef, settings({ sap: { technicalObject: 'EQ-7' } })).TechnicalObject).toBe('EQ-7');
  });
});

describe('Maximo MXAPIWODETAIL', () => {
  it('every payload passes the object structure schema', () => {
    for (const s of [fixture, breakdown, { ...fixture, priority: 4 }])
      expect(schemaErrors(maximoWorkOrderSchema, toMaximo(s, settings(MAXIMO)))).toEqual([]);
    const minimal = settings({ maximo: { siteid: 'BEDFORD', orgid: 'EAGLENA' } });
    expect(schemaErrors(maximoWorkOrderSchema, toMaximo(fixture, minimal))).toEqual([]);
  });

  it('the schema catches the old defects', () => {
    const w = toMaximo(fixture, settings(MAXIMO)) as unknown as Record<string, unknown>;
    for (const bad of [
      { siteid: null },
      { siteid: 'north-ha' },
      { externalrefid: 'prognos-wos-42' },
      { failurereport: [{ type: 'PROBLEM', failurecode: 'VIB' }] },
      { reportedby: 'PROGNOS', assetName: 'x' },
    ])
      expect(schemaErrors(maximoWorkOrderSchema, { ...w, ...bad })).not.toEqual([]);
    const { orgid: _o, ...noOrg } = w;
    expect(schemaErrors(maximoWorkOrderSchema, noOrg)).not.toEqual([]);
  });

  it('fields: codes from the settings, failure report lines, work type and priority convention', () => {
    const w = toMaximo(fixture, settings(MAXIMO));
    expect(w).toMatchObject({
      siteid: 'BEDFORD',
      orgid: 'EAGLENA',
      assetnum: '10004711',
      location: 'BR300',
      wopriority: 2,
      worktype: 'CM',
      status: 'WAPPR',
      targstartdate: '2024-06-01T10:30:15+00:00',
      targcompdate: '2024-06-16T10:30:15+00:00',
      failurecode: 'PUMPS',
      problemcode: 'VIBR',
      failurereport: [
        { type: 'PROBLEM', failurecode: 'VIBR', linenum: 1005 },
        { type: 'CAUSE', failurecode: 'FATIGUE', linenum: 1011 },
      ],
      externalrefid: '4242424242',
    });
    expect(w.description.length).toBeLessThanOrEqual(100);
    expect(w.description_longdescription).toContain('Check lubrication');
    // Without a failure class there is no hierarchy to report against.
    const plain = toMaximo(fixture, settings({ maximo: { siteid: 'BEDFORD', orgid: 'EAGLENA' } }));
    expect(plain).not.toHaveProperty('failurereport');
    expect(plain).not.toHaveProperty('problemcode');
    // Work type and priority direction follow the site.
    const site = settings(MAXIMO, { maximo: { worktype: 'PDM', wopriority: [999, 600, 300, 1] } });
    expect(toMaximo(breakdown, site)).toMatchObject({ worktype: 'PDM', wopriority: 999 });
    const env = settings(MAXIMO, {}, { ...DEFAULTS, maximoWorktype: 'CBM', maximoWopriority: [4, 3, 2, 1] });
    expect(toMaximo(fixture, env)).toMatchObject({ worktype: 'CBM', wopriority: 3 });
  });

  it('refuses without siteid, orgid or an asset number, naming the setting', () => {
    const m = missing(() => toMaximo(fixture, settings()));
    expect(m.setting).toBe('maximo.siteid');
    expect(m.message).toContain('PATCH /v1/assets/5/cmms {"maximo":{"siteid":…}}');
    expect(m.message).toContain('PATCH /v1/sites/north-hall/cmms');
    expect(missing(() => toMaximo(fixture, settings({ maximo: { siteid: 'B' } }))).setting).toBe(
      'maximo.orgid',
    );
    const noRef = { ...fixture, asset: { ...fixture.asset, externalRef: null } };
    expect(missing(() => toMaximo(noRef, settings(MAXIMO))).setting).toBe('maximo.assetnum');
    // Site defaults fill what the asset leaves out.
    const viaSite = settings(
      { maximo: { assetnum: 'P101' } },
      { maximo: { siteid: 'BEDFORD', orgid: 'EAGLENA' } },
    );
    expect(toMaximo(noRef, viaSite)).toMatchObject({ siteid: 'BEDFORD', assetnum: 'P101' });
  });
});

describe('MaintainX POST /workorders', () => {
  const configured = settings({
    maintainx: {
      assetId: 8901,
      locationId: 2345,
      categories: ['Predictive'],
      suggestionIdField: 'Prognos suggestion',
      failureModeField: 'ISO 14224',
    },
  });

  it('every payload passes the schema for the organisation’s categories and custom fields', () => {
    for (const s of [fixture, breakdown, { ...fixture, priority: 4 }])
      expect(schemaErrors(maintainxWorkOrderSchema(ORG), toMaintainx(s, configured))).toEqual([]);
    const bare = settings({}, {}, { ...DEFAULTS, maintainxIdField: 'Prognos suggestion' });
    expect(schemaErrors(maintainxWorkOrderSchema(ORG), toMaintainx(fixture, bare))).toEqual([]);
  });

  it('the schema catches the old defects', () => {
    const w = toMaintainx(fixture, configured) as unknown as Record<string, unknown>;
    for (const bad of [
      { assetName: 'Cooling water pump' },
      { categories: ['Predictive Maintenance'] },
      { extraFields: { 'ISO 14224 failure mode': 'VIB' } },
      { priority: 'URGENT' },
    ])
      expect(schemaErrors(maintainxWorkOrderSchema(ORG), { ...w, ...bad })).not.toEqual([]);
  });

  it('fields: ids, suggestion id in the custom field, nothing unconfigured', () => {
    const w = toMaintainx(fixture, configured);
    expect(w).toMatchObject({
      priority: 'MEDIUM',
      dueDate: '2024-06-16T10:30:15.250Z',
      assetId: 8901,
      locationId: 2345,
      categories: ['Predictive'],
      extraFields: { 'Prognos suggestion': '4242424242', 'ISO 14224': 'VIB Vibration / 2.6 Fatigue' },
    });
    expect(w.description).toContain('- [ ] Check lubrication (quantity, contamination, interval)');
    expect([1, 2, 3, 4].map((p) => toMaintainx({ ...fixture, priority: p }, configured).priority)).toEqual([
      'HIGH',
      'MEDIUM',
      'LOW',
      'NONE',
    ]);
    const bare = toMaintainx(
      { ...fixture, asset: { ...fixture.asset, externalRef: 'P-101' } },
      settings({ maintainx: { suggestionIdField: 'Prognos suggestion' } }),
    );
    expect(bare).not.toHaveProperty('assetId');
    expect(bare).not.toHaveProperty('categories');
    expect(Object.keys(bare.extraFields)).toEqual(['Prognos suggestion']);
    expect(
      toMaintainx(fixture, settings({ maintainx: { suggestionIdField: 'Prognos suggestion' } })).assetId,
    ).toBe(10004711);
  });

  it('refuses without the custom field for the suggestion id', () => {
    expect(missing(() => toMaintainx(fixture, settings())).setting).toBe('maintainx.suggestionIdField');
  });
});

describe('every format carries the suggestion id in a field', () => {
  it('maximo externalrefid, sap MaintNotifExtReferenceNumber, maintainx custom field', () => {
    const e: EffectiveSettings = settings({
      ...MAXIMO,
      maintainx: { suggestionIdField: 'Prognos suggestion' },
    });
    const id = String(fixture.id);
    expect(mapSuggestion(fixture, 'maximo', e)).toMatchObject({ externalrefid: id });
    expect(mapSuggestion(fixture, 'sap', e)).toMatchObject({ MaintNotifExtReferenceNumber: id });
    expect(mapSuggestion(fixture, 'maintainx', e)).toMatchObject({
      extraFields: { 'Prognos suggestion': id },
    });
    expect(mapSuggestion(fixture, 'prognos', e)).toBe(fixture);
  });
});
