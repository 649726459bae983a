/**
 * JSON Schema of a work-order create body of IBM Maximo's MXAPIWODETAIL object structure (the
 * attributes Prognos may send), written from the object structure's own JSON schema
 * (oslc/jsonschemas/mxapiwodetail) as IBM ships it in the Maximo Mobile technician app's test
 * data (briore24/apprmobile, submodule/technician-app/.../src/test/, commit 4039b8e: the
 * `maximoSchema` and `allwoPredecessor` fixtures): maxLength, type, subType UPPER, and the
 * required list (siteid and orgid are the two required attributes without a default). The
 * failurereport lines (FAILUREREPORT) carry type PROBLEM / CAUSE / REMEDY, the failure code and
 * its FAILURELIST linenum (wo-failure-report-json-data.js); wopriority is an integer "from 0-999";
 * externalrefid is ALN 10 (tooltrans/EXTERNALREFID of the same schema; WORKORDER.EXTERNALREFID has
 * the same definition).
 */
const upper = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^a-z]*$' });
// Maximo's REST API writes DATETIME as ISO 8601 with an explicit offset.
const datetime = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([+-]\\d{2}:\\d{2}|Z)$',
};

export const maximoWorkOrderSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'MXAPIWODETAIL WORKORDER (create)',
  type: 'object',
  additionalProperties: false,
  required: ['siteid', 'orgid'],
  properties: {
    siteid: upper(8),
    orgid: upper(8),
    wonum: upper(25),
    description: { type: 'string', maxLength: 100 },
    description_longdescription: { type: 'string' },
    assetnum: upper(25),
    location: upper(12),
    wopriority: { type: 'integer', minimum: 0, maximum: 999 },
    worktype: upper(5),
    // WOSTATUS values seen in IBM's data; a new work order request is WAPPR.
    status: { type: 'string', enum: ['WAPPR', 'APPR', 'INPRG', 'COMP'] },
    targstartdate: datetime,
    targcompdate: datetime,
    failurecode: upper(8),
    problemcode: upper(8),
    failurereport: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'failurecode', 'linenum'],
        properties: {
          type: { type: 'string', enum: ['PROBLEM', 'CAUSE', 'REMEDY'] },
          failurecode: upper(8),
          linenum: { type: 'integer', minimum: 1 },
        },
      },
    },
    externalrefid: { type: 'string', minLength: 1, maxLength: 10 },
  },
};
