/** The charts, in one namespace for callers that use several (model cards, the notebook kit). */
export { heatmap, type MatrixOptions } from './heatmap.js';
export { barChart, type BarOptions, type BarSeries } from './bars.js';
export { encodePng } from './png.js';
export { rasterHeatmap, viridis, type RasterOptions } from './raster.js';
export { chartGrid, escapeXml, formatTick, logTicks, niceTicks, PALETTE } from './svg.js';
export { xyPlot, type Marker, type XYOptions, type XYSeries } from './xy.js';
export type { Axis, LegendPlace } from './axes.js';
