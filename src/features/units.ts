/** Unit conversions for the scalar readings the feature extraction joins to vibration windows. */

/** Converts readings to °C from the sensor's unit; undefined when the unit is not a temperature. */
export function toCelsius(unit: string): ((v: number) => number) | undefined {
  const u = unit.trim().toLowerCase().replace('°', '').replace('deg', '');
  if (u === 'c' || u === 'celsius') return (v) => v;
  if (u === 'k' || u === 'kelvin') return (v) => v - 273.15;
  if (u === 'f' || u === 'fahrenheit') return (v) => ((v - 32) * 5) / 9;
  return undefined;
}

/** Shaft speed in Hz from a speed reading in the sensor's unit (rpm or Hz). */
export function toShaftHz(unit: string): ((v: number) => number) | undefined {
  const u = unit.trim().toLowerCase();
  if (u === 'rpm' || u === 'r/min' || u === '1/min') return (v) => v / 60;
  if (u === 'hz' || u === '1/s' || u === 'rps') return (v) => v;
  return undefined;
}
