/**
 * Findings → one proposed suggestion per failure mode (the unit the CMMS gets one work order
 * for). The most urgent finding sets priority and due date; the most specific names the
 * mechanism and component; the description lists every finding's evidence.
 */
import { failureMechanismName, failureModeName } from './iso14224.js';
import { truncate } from './mappings/text.js';
import type { RuleName } from './rule-settings.js';
import type { Finding, Priority } from './rules.js';

export interface Proposal {
  failureMode: string;
  failureMechanism: string;
  component: string | null;
  rules: RuleName[];
  priority: Priority;
  dueAt: Date;
  title: string;
  description: string;
  recommendedAction: string;
  evidence: Record<string, unknown>;
  forecastIds: number[];
}

const TITLE_MAX = 120;

export function buildProposals(assetName: string, findings: Finding[]): Proposal[] {
  const byMode = new Map<string, Finding[]>();
  for (const f of findings) byMode.set(f.failureMode, [...(byMode.get(f.failureMode) ?? []), f]);
  return [...byMode.entries()].map(([mode, list]) => {
    const urgent = [...list].sort((a, b) => a.priority - b.priority || +a.dueAt - +b.dueAt)[0]!;
    const specific = [...list].sort((a, b) => b.specificity - a.specificity || a.priority - b.priority)[0]!;
    const earliest = Math.min(...list.map((f) => +f.dueAt));
    const ordered = [urgent, ...list.filter((f) => f !== urgent)];
    const title = truncate(`${assetName}: ${ordered.map((f) => f.headline).join('; ')}`, TITLE_MAX);
    const actions = [...new Set(ordered.flatMap((f) => f.actions))];
    const description = [
      `Failure mode ${mode} (${failureModeName(mode)}), mechanism ${specific.failureMechanism} ` +
        `(${failureMechanismName(specific.failureMechanism)})${specific.component ? `, component: ${specific.component}` : ''}.`,
      ...ordered.map((f) => `- [${f.rule}] ${f.evidenceText}`),
    ].join('\n');
    const evidence: Record<string, unknown> = {};
    for (const f of ordered) {
      const key =
        f.rule === 'bearing_defect_trend' ? `bearing_defect_trend.${String(f.evidence.indicator)}` : f.rule;
      evidence[key] = { ...f.evidence, priority: f.priority, forecastIds: f.forecastIds };
    }
    return {
      failureMode: mode,
      failureMechanism: specific.failureMechanism,
      component: specific.component,
      rules: [...new Set(ordered.map((f) => f.rule))],
      priority: urgent.priority,
      dueAt: new Date(earliest),
      title,
      description,
      recommendedAction: actions.join('; '),
      evidence,
      forecastIds: [...new Set(list.flatMap((f) => f.forecastIds))].sort((a, b) => a - b),
    };
  });
}
