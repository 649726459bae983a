/**
 * JSON Schema of MaintainX `POST /workorders`, written from the published request shape: title,
 * description, priority NONE | LOW | MEDIUM | HIGH, status, assignees, numeric assetId and
 * locationId, ISO 8601 dueDate, categories (jaco8060/MaintainX-API-Demo src/types.ts;
 * the MaintainX skills at smithery.ai/skills/jeremylongshore/maintainx-core-workflow-a and
 * maintainx-sdk-patterns), and extraFields keyed by custom-field label. `assetName` is not in
 * it. MaintainX only accepts categories and custom fields that exist in the organisation, so the
 * schema is built for one organisation's lists.
 */
export function maintainxWorkOrderSchema(org: { categories: string[]; customFields: string[] }) {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'MaintainX POST /workorders',
    type: 'object',
    additionalProperties: false,
    required: ['title'],
    properties: {
      title: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      priority: { type: 'string', enum: ['NONE', 'LOW', 'MEDIUM', 'HIGH'] },
      status: { type: 'string', enum: ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'CLOSED'] },
      dueDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
      assetId: { type: 'integer', minimum: 1 },
      locationId: { type: 'integer', minimum: 1 },
      assignees: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'id'],
          properties: { type: { type: 'string', enum: ['USER', 'TEAM'] }, id: { type: 'integer' } },
        },
      },
      categories: { type: 'array', items: { type: 'string', enum: org.categories } },
      extraFields: {
        type: 'object',
        propertyNames: { enum: org.customFields },
        additionalProperties: { type: 'string' },
      },
    },
  };
}
