/**
 * JSON Schema of a create (POST) body of SAP S/4HANA API_MAINTNOTIFICATION, entity
 * MaintenanceNotification with the to_Item / to_ItemCause compositions, written from the
 * service's $metadata as imported by SAP's `cds import` (robertourban/TestC4CCap,
 * srv/external/MaintenanceNotification.cds, commit 0ed603e): property names, Edm types,
 * MaxLength, `not null`, @sap.creatable (properties marked creatable 'false' are left out: a POST
 * may not set them) and @sap.display.format 'UpperCase'. MaintNotifLongTextForEdit is
 * String(1333), the writable long text (MaintNotificationLongText is read-only);
 * MaintPriorityType is not a property of the entity. OData V2 JSON: Edm.DateTime as
 * "/Date(ms)/", Edm.Time as "PThhHmmMssS", Edm.Boolean as a JSON boolean.
 */
const str = (maxLength: number) => ({ type: 'string', maxLength });
const upper = (maxLength: number) => ({ type: 'string', maxLength, pattern: '^[^a-z]*$' });
const date = { type: 'string', pattern: '^/Date\\(-?\\d+\\)/$' };
const time = { type: 'string', pattern: '^PT\\d{2}H\\d{2}M\\d{2}S$' };

const itemCause = {
  type: 'object',
  additionalProperties: false,
  properties: {
    MaintNotifCauseText: str(40),
    MaintNotifCauseCodeGroup: upper(8),
    MaintNotificationCauseCode: upper(4),
    MaintNotificationRootCause: upper(1),
  },
};

const item = {
  type: 'object',
  additionalProperties: false,
  properties: {
    MaintNotifItemText: str(40),
    MaintNotifDamageCodeGroup: upper(8),
    MaintNotificationDamageCode: upper(4),
    MaintNotifObjPrtCodeGroup: upper(8),
    MaintNotifObjPrtCode: upper(4),
    to_ItemCause: { type: 'array', items: itemCause },
  },
};

export const sapMaintenanceNotificationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'API_MAINTNOTIFICATION MaintenanceNotification (create)',
  type: 'object',
  additionalProperties: false,
  required: ['NotificationText'],
  properties: {
    NotificationText: { type: 'string', minLength: 1, maxLength: 40 },
    MaintPriority: upper(1),
    NotificationType: upper(2),
    ReportedByUser: upper(12),
    PersonResponsible: upper(12),
    MalfunctionEffect: upper(1),
    MalfunctionStartDate: date,
    MalfunctionStartTime: time,
    MalfunctionEndDate: date,
    MalfunctionEndTime: time,
    MaintNotificationCode: upper(4),
    MaintNotificationCodeGroup: upper(8),
    NotificationCreationDate: date,
    NotificationCreationTime: time,
    RequiredStartDate: date,
    RequiredStartTime: time,
    RequiredEndDate: date,
    RequiredEndTime: time,
    LatestAcceptableCompletionDate: date,
    MaintenanceObjectIsDown: { type: 'boolean' },
    MaintNotifLongTextForEdit: str(1333),
    TechnicalObject: upper(40),
    TechObjIsEquipOrFuncnlLoc: { type: 'string', maxLength: 20, enum: ['EAMS_EQUI', 'EAMS_FL'] },
    MaintenancePlanningPlant: upper(4),
    MaintenancePlannerGroup: upper(3),
    PlantSection: upper(3),
    AssetLocation: upper(10),
    MainWorkCenterPlant: upper(4),
    MainWorkCenter: upper(8),
    MaintenancePlant: upper(4),
    LocationDescription: str(50),
    MaintenanceOrder: upper(12),
    MaintenanceActivityType: upper(3),
    MaintObjDowntimeDurationUnit: str(3),
    MaintObjectDowntimeDuration: { type: 'number' },
    NotificationReferenceDate: date,
    NotificationReferenceTime: time,
    AssetRoom: upper(8),
    MaintNotifExtReferenceNumber: upper(20),
    MaintNotifDetectionCode: upper(4),
    MaintNotifDetectionCodeGroup: upper(8),
    MaintNotifRqdEndDateTime: { type: 'string' },
    to_Item: { type: 'array', items: item },
  },
};
