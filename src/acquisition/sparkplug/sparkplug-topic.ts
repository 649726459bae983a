/**
 * The Sparkplug B topic namespace: `spBv1.0/<group_id>/<message_type>/<edge_node_id>[/<device_id>]`
 * and the host's `spBv1.0/STATE/<host_id>`. Pure.
 */

export const NAMESPACE = 'spBv1.0';

const NODE_TYPES = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
const DEVICE_TYPES = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type MessageType = (typeof NODE_TYPES)[number] | (typeof DEVICE_TYPES)[number];

export interface SparkplugTopic {
  groupId: string;
  type: MessageType;
  edgeNode: string;
  /** Set exactly for the D* message types. */
  device?: string;
}

/** The topic's parts, or undefined for anything that is not a well-formed Sparkplug B message topic. */
export function parseTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== NAMESPACE || parts.some((p) => p === '')) return undefined;
  const [, groupId, type, edgeNode, device] = parts as [string, string, string, string, string?];
  if ((NODE_TYPES as readonly string[]).includes(type) && parts.length === 4)
    return { groupId, type: type as MessageType, edgeNode };
  if ((DEVICE_TYPES as readonly string[]).includes(type) && parts.length === 5)
    return { groupId, type: type as MessageType, edgeNode, device: device! };
  return undefined;
}

export function ncmdTopic(groupId: string, edgeNode: string): string {
  return `${NAMESPACE}/${groupId}/NCMD/${edgeNode}`;
}

export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** Whether an id may stand as one topic level: no separators, no wildcards. */
export function validTopicId(id: string): boolean {
  return id !== '' && !/[/+#]/.test(id);
}
