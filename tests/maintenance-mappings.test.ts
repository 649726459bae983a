import { describe, expect, it } from 'vitest';
import { toMaintainx } from '../src/maintenance/mappings/maintainx.js';
import { toMaximo } from '../src/maintenance/mappings/maximo.js';
import { sapDate, toSap } from '../src/maintenance/mappings/sap.js';
import { actionSteps, truncate } from '../src/maintenance/mappings/text.js';
import type { SuggestionDto } from '../src/maintenance/suggestion-dto.js';

const fixture: SuggestionDto = {
  id: 42,
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
  description:
    'Failure mode VIB (Vibration), mechanism 2.6 (Fatigue).\n- [bearing_defect_trend] BPFO rose ×4.2.',
  recommendedAction:
    'Inspect the bearing outer race: envelope spectrum at BPFO and its harmonics; Check lubrication (quantity, contamination, interval); Plan the bearing replacement within 15 days',
  dueAt: '2024-06-16T10:30:15.250Z',
  evidence: {},
  forecastIds: [7, 8, 9],
  revision: 3,
  workOrderRef: null,
  statusNote: null,
  resolvedByEventId: null,
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

describe('CMMS mappings', () => {
  it('truncates with an ellipsis inside the limit and splits actions into steps', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('a  b\nc', 10)).toBe('a b c');
    expect(actionSteps('a; b ;; c')).toEqual(['a', 'b', 'c']);
  });

  it('Maximo work order request', () => {
    const m = toMaximo(fixture);
    expect(m.description.length).toBeLessThanOrEqual(100);
    expect(m.description.endsWith('…')).toBe(true);
    expect(m).toMatchObject({
      siteid: 'NORTH-HA',
      assetnum: '10004711',
      wopriority: 2,
      worktype: 'PM',
      status: 'WAPPR',
      targstartdate: '2024-06-01T10:30:15+00:00',
      targcompdate: '2024-06-16T10:30:15+00:00',
      failurecode: 'CENTRIFU',
      problemcode: 'VIB',
      failurereport: [
        { type: 'PROBLEM', failurecode: 'VIB' },
        { type: 'CAUSE', failurecode: '2.6' },
      ],
      externalrefid: 'prognos-wos-42',
    });
    expect(m.description_longdescription).toContain('BPFO rose ×4.2');
    expect(m.description_longdescription).toContain('Check lubrication');
    expect(toMaximo({ ...fixture, priority: 1 }).worktype).toBe('CM');
    expect(
      toMaximo({ ...fixture, asset: { ...fixture.asset, site: null, externalRef: null } }),
    ).toMatchObject({ siteid: null, assetnum: '5' });
  });

  it('SAP PM notification', () => {
    expect(sapDate('2024-06-16T10:30:15.250Z')).toEqual({
      date: `/Date(${Date.UTC(2024, 5, 16)})/`,
      time: 'PT10H30M15S',
    });
    const n = toSap(fixture);
    expect(n.NotificationText.length).toBeLessThanOrEqual(40);
    expect(n).toMatchObject({
      NotificationType: 'M2',
      TechnicalObject: '10004711',
      MaintPriority: '2',
      RequiredStartDate: `/Date(${Date.UTC(2024, 5, 1)})/`,
      RequiredEndDate: `/Date(${Date.UTC(2024, 5, 16)})/`,
      RequiredEndTime: 'PT10H30M15S',
      MalfunctionEffect: '2',
    });
    expect(n.to_Item[0]).toMatchObject({
      MaintNotifDamageCodeGroup: 'ISO14224',
      MaintNotifDamageCode: 'VIB',
      to_ItemCause: [
        { MaintNotifCauseCodeGroup: 'ISO14MEC', MaintNotifCauseCode: '2.6', MaintNotifCauseText: 'Fatigue' },
      ],
    });
    expect(n.to_Item[0]!.MaintNotifItemText.length).toBeLessThanOrEqual(40);
    expect(toSap({ ...fixture, priority: 4 })).toMatchObject({
      NotificationType: 'M1',
      MaintPriority: '4',
      MalfunctionEffect: '3',
    });
    expect(toSap({ ...fixture, priority: 1, failureMode: 'BRD' }).MalfunctionEffect).toBe('1');
  });

  it('MaintainX work order', () => {
    const w = toMaintainx(fixture);
    expect(w).toMatchObject({
      priority: 'MEDIUM',
      dueDate: '2024-06-16T10:30:15.250Z',
      assetId: 10004711,
      assetName: 'Cooling water pump P-101',
      categories: ['Predictive Maintenance', 'Vibration'],
    });
    expect(w.title.length).toBeLessThanOrEqual(100);
    expect(w.procedure.fields).toEqual([
      {
        type: 'CHECKBOX',
        label: 'Inspect the bearing outer race: envelope spectrum at BPFO and its harmonics',
      },
      { type: 'CHECKBOX', label: 'Check lubrication (quantity, contamination, interval)' },
      { type: 'CHECKBOX', label: 'Plan the bearing replacement within 15 days' },
    ]);
    expect([1, 2, 3, 4].map((p) => toMaintainx({ ...fixture, priority: p }).priority)).toEqual([
      'HIGH',
      'MEDIUM',
      'LOW',
      'NONE',
    ]);
    expect(toMaintainx({ ...fixture, asset: { ...fixture.asset, externalRef: 'P-101' } }).assetId).toBeNull();
  });
});
