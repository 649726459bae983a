/**
 * Model inputs from AI4I 2020 rows: the five process values, the product type one-hot, and three
 * physics features that the failure modes are defined on (Matzka 2020), so a small network does
 * not have to discover products and differences itself:
 *
 *   power_w                  = torque [Nm] × ω [rad/s], ω = 2π · rpm / 60
 *                              (power failure: below 3,500 W or above 9,000 W)
 *   temperature_difference_k = process − air temperature [K]
 *                              (heat dissipation failure: below 8.6 K at under 1,380 rpm)
 *   strain_min_nm            = tool wear [min] × torque [Nm]
 *                              (overstrain failure: above 11,000 / 12,000 / 13,000 min·Nm for L / M / H)
 */
import type { Ai4iRow } from '../../acquisition/formats/ai4i.js';
import { tabularFeatureSet } from '../../features/feature-set-ref.js';

const AI4I_FEATURE_NAMES = [
  'air_temperature_k',
  'process_temperature_k',
  'rotational_speed_rpm',
  'torque_nm',
  'tool_wear_min',
  'type_l',
  'type_m',
  'type_h',
  'power_w',
  'temperature_difference_k',
  'strain_min_nm',
] as const;

export const AI4I_MODES = ['twf', 'hdf', 'pwf', 'osf', 'rnf'] as const;
export type Ai4iMode = (typeof AI4I_MODES)[number];

export function ai4iFeatureSet() {
  return tabularFeatureSet('ai4i-process', 1, AI4I_FEATURE_NAMES, {
    source: 'UCI AI4I 2020 columns; type one-hot L/M/H',
    derived: {
      power_w: 'torque_nm * rotational_speed_rpm * 2 * pi / 60',
      temperature_difference_k: 'process_temperature_k - air_temperature_k',
      strain_min_nm: 'tool_wear_min * torque_nm',
    },
  });
}

export function ai4iVector(row: Ai4iRow): number[] {
  const omega = (row.rotationalSpeedRpm * 2 * Math.PI) / 60;
  return [
    row.airTemperatureK,
    row.processTemperatureK,
    row.rotationalSpeedRpm,
    row.torqueNm,
    row.toolWearMin,
    row.type === 'L' ? 1 : 0,
    row.type === 'M' ? 1 : 0,
    row.type === 'H' ? 1 : 0,
    row.torqueNm * omega,
    row.processTemperatureK - row.airTemperatureK,
    row.toolWearMin * row.torqueNm,
  ];
}

/** The dataset's own `Machine failure` label (not exactly the OR of the mode flags). */
export function ai4iLabel(row: Ai4iRow): 0 | 1 {
  return row.machineFailure ? 1 : 0;
}
