/**
 * Per-asset CMMS identifiers and per-site defaults (issue 18): the codes each CMMS needs before it
 * accepts a work order or notification. Limits follow the vendors' published definitions (see
 * src/maintenance/README.md, "Sources"). An asset's settings override its site's defaults field by
 * field; the service-wide defaults (src/config.ts) come last.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { CmmsDefaults } from '../../config.js';
import { AppError } from '../../errors.js';

export const CMMS_NAMES = ['maximo', 'sap', 'maintainx'] as const;
export type CmmsName = (typeof CMMS_NAMES)[number];

/** Upper-case codes without spaces: Maximo's UPPER attributes and SAP's UpperCase fields. */
const Code = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Z0-9][A-Z0-9_./#&-]*$', description });
const ModeKey = Type.String({ pattern: '^[A-Z]{3}$' });
const MechanismKey = Type.String({ pattern: '^[0-9]{1,2}\\.[0-9]{1,2}$' });

const FailureListEntry = Type.Object(
  {
    code: Code(8, 'Failure code in the asset failure hierarchy'),
    linenum: Type.Integer({
      minimum: 1,
      description: 'FAILURELIST line of that code under the failure class',
    }),
  },
  { additionalProperties: false },
);

const maximoFields = {
  siteid: Code(8, 'Maximo SITEID (required by MXAPIWODETAIL)'),
  orgid: Code(8, 'Maximo ORGID (required by MXAPIWODETAIL)'),
  assetnum: Code(25, 'Maximo ASSETNUM (default: the asset external_ref, upper-cased)'),
  location: Code(12, 'Maximo LOCATION'),
  worktype: Code(5, 'Maximo WORKTYPE of predictive-corrective work (default PROGNOS_MAXIMO_WORKTYPE)'),
  failureClass: Code(8, 'Maximo failure class (FAILURECODE of the work order)'),
  problemCodes: Type.Record(ModeKey, FailureListEntry, {
    description: 'ISO 14224 failure mode → Maximo problem code and its FAILURELIST line',
  }),
  causeCodes: Type.Record(MechanismKey, FailureListEntry, {
    description: 'ISO 14224 failure mechanism → Maximo cause code and its FAILURELIST line',
  }),
  wopriority: Type.Array(Type.Integer({ minimum: 0, maximum: 999 }), {
    minItems: 4,
    maxItems: 4,
    description: 'WOPRIORITY for Prognos priorities 1 (urgent), 2, 3, 4 (the site convention)',
  }),
};

const sapFields = {
  technicalObject: Code(40, 'SAP TechnicalObject (default: the asset external_ref, upper-cased)'),
  technicalObjectType: Type.Union([Type.Literal('EAMS_EQUI'), Type.Literal('EAMS_FL')], {
    description: 'TechObjIsEquipOrFuncnlLoc: equipment (default) or functional location',
  }),
  planningPlant: Code(4, 'MaintenancePlanningPlant'),
  damageCodeGroup: Code(8, 'MaintNotifDamageCodeGroup (default ISO14224)'),
  causeCodeGroup: Code(8, 'MaintNotifCauseCodeGroup (default ISO14MEC)'),
  damageCodes: Type.Record(ModeKey, Code(4, 'MaintNotificationDamageCode'), {
    description: 'ISO 14224 failure mode → damage code (default: the mode itself)',
  }),
  causeCodes: Type.Record(MechanismKey, Code(4, 'MaintNotificationCauseCode'), {
    description: 'ISO 14224 failure mechanism → cause code (default: the mechanism itself)',
  }),
};

const Label = (description: string) => Type.String({ minLength: 1, maxLength: 100, description });
const maintainxFields = {
  assetId: Type.Integer({ minimum: 1, description: 'MaintainX assetId (default: a numeric external_ref)' }),
  locationId: Type.Integer({ minimum: 1, description: 'MaintainX locationId' }),
  categories: Type.Array(Label('An existing MaintainX work-order category'), {
    maxItems: 20,
    uniqueItems: true,
  }),
  suggestionIdField: Label(
    'Label of an existing custom field that keeps the Prognos suggestion id (default PROGNOS_MAINTAINX_ID_FIELD)',
  ),
  failureModeField: Label('Label of an existing custom field for the ISO 14224 failure mode and mechanism'),
};

const obj = <P extends Record<string, TSchema>>(fields: P) =>
  Type.Partial(Type.Object(fields, { additionalProperties: false }));
/** A PATCH of one CMMS: the fields given are set, null clears one. */
const patchOf = (fields: Record<string, TSchema>) =>
  Type.Object(
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, Type.Optional(Type.Union([v, Type.Null()]))]),
    ),
    { additionalProperties: false, minProperties: 1 },
  );

export const MaximoSettings = obj(maximoFields);
export const SapSettings = obj(sapFields);
export const MaintainxSettings = obj(maintainxFields);
export type MaximoSettings = Static<typeof MaximoSettings>;
export type SapSettings = Static<typeof SapSettings>;
export type MaintainxSettings = Static<typeof MaintainxSettings>;

export const CmmsSettings = Type.Object(
  {
    maximo: MaximoSettings,
    sap: SapSettings,
    maintainx: MaintainxSettings,
  },
  { title: 'CmmsSettings' },
);
export type CmmsSettings = Static<typeof CmmsSettings>;

/** The PATCH body of one CMMS (without the null that empties it). */
export const CMMS_PATCHES = {
  maximo: patchOf(maximoFields),
  sap: patchOf(sapFields),
  maintainx: patchOf(maintainxFields),
};

export const CmmsSettingsPatch = Type.Object(
  {
    maximo: Type.Optional(Type.Union([CMMS_PATCHES.maximo, Type.Null()])),
    sap: Type.Optional(Type.Union([CMMS_PATCHES.sap, Type.Null()])),
    maintainx: Type.Optional(Type.Union([CMMS_PATCHES.maintainx, Type.Null()])),
  },
  { title: 'CmmsSettingsPatch', additionalProperties: false, minProperties: 1 },
);
export type CmmsSettingsPatch = Partial<Record<CmmsName, Record<string, unknown> | null>>;

export const EMPTY_SETTINGS: CmmsSettings = Object.freeze({ maximo: {}, sap: {}, maintainx: {} });

/** Stored settings with a patch applied: a field set to null is removed, a CMMS set to null is
 * emptied. */
export function applyPatch(current: CmmsSettings, patch: CmmsSettingsPatch): CmmsSettings {
  const next: CmmsSettings = { ...current };
  for (const name of CMMS_NAMES) {
    const p = patch[name];
    if (p === undefined) continue;
    if (p === null) {
      next[name] = {};
      continue;
    }
    const merged: Record<string, unknown> = { ...current[name] };
    for (const [k, v] of Object.entries(p)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    next[name] = merged as never;
  }
  return next;
}

/** What a mapping sees: the asset's settings over the site's over the service defaults. */
export interface EffectiveSettings {
  assetId: number;
  site: string | null;
  maximo: MaximoSettings;
  sap: SapSettings;
  maintainx: MaintainxSettings;
}

export function effectiveSettings(
  assetId: number,
  site: string | null,
  siteDefaults: CmmsSettings,
  asset: CmmsSettings,
  defaults: CmmsDefaults,
): EffectiveSettings {
  return {
    assetId,
    site,
    maximo: {
      worktype: defaults.maximoWorktype,
      wopriority: [...defaults.maximoWopriority],
      ...siteDefaults.maximo,
      ...asset.maximo,
    },
    sap: { ...siteDefaults.sap, ...asset.sap },
    maintainx: {
      ...(defaults.maintainxIdField ? { suggestionIdField: defaults.maintainxIdField } : {}),
      ...siteDefaults.maintainx,
      ...asset.maintainx,
    },
  };
}

/** 422: the CMMS would reject the payload without this setting; says where to set it. */
export function settingMissing(
  cmms: CmmsName,
  setting: string,
  s: { assetId: number; site: string | null },
  why?: string,
) {
  const field = setting.split('.')[0]!;
  const site =
    s.site === null ? '' : ` or a site default (PATCH /v1/sites/${encodeURIComponent(s.site)}/cmms)`;
  return new AppError(
    'cmms_setting_missing',
    422,
    `cmms_setting_missing: ${cmms}.${setting} for asset ${s.assetId}${why ? ` (${why})` : ''} ` +
      `(set it with PATCH /v1/assets/${s.assetId}/cmms {"${cmms}":{"${field}":…}}${site})`,
    { details: { cmms, setting: `${cmms}.${setting}`, assetId: s.assetId, site: s.site } },
  );
}
