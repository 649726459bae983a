import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png.js';
import { rasterHeatmap, viridis } from './raster.js';
import { assertWellFormedXml } from './xml-check.js';

/** The chunks of a PNG, each CRC checked. */
function chunks(png: Buffer): Record<string, Buffer> {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Record<string, Buffer> = {};
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    out[type] = png.subarray(at + 8, at + 8 + length);
    at += 12 + length;
  }
  return out;
}

const pngOf = (svg: string) =>
  Buffer.from(/href="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(svg)?.[1] ?? '', 'base64');

describe('png', () => {
  it('encodes a valid PNG: signature, size, CRCs and the pixel rows', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3]);
    const c = chunks(encodePng(2, 2, rgb));
    expect(Object.keys(c)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(c.IHDR?.readUInt32BE(0)).toBe(2);
    expect(c.IHDR?.readUInt32BE(4)).toBe(2);
    expect([...inflateSync(c.IDAT!)]).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 1, 2, 3]);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(RangeError);
    expect(() => encodePng(0, 1, new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('raster heatmap', () => {
  it('maps the ends of the colour scale to the ends of viridis', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(NaN)).toEqual([68, 1, 84]);
  });

  it('embeds the map as a PNG image on SVG axes, row 0 at the bottom', () => {
    const svg = rasterHeatmap(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { x: [0, 2], y: [0, 1], log: true, title: 'a & b', colorLabel: 'g²' },
    );
    assertWellFormedXml(svg);
    expect(svg).toMatch(/<image [^>]*href="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    const c = chunks(pngOf(svg));
    expect([c.IHDR?.readUInt32BE(0), c.IHDR?.readUInt32BE(4)]).toEqual([3, 2]);
    const raw = inflateSync(c.IDAT!);
    // The image's top row is data row 1, whose last cell is the largest value: viridis' top.
    expect([...raw.subarray(7, 10)]).toEqual(viridis(1));
  });

  it('greys out missing cells and keeps them out of the colour scale', () => {
    const svg = rasterHeatmap([[1, NaN, 0, 4]], { x: [0, 3], y: [0, 0], log: true });
    const raw = inflateSync(chunks(pngOf(svg)).IDAT!);
    const pixel = (i: number) => [...raw.subarray(1 + 3 * i, 4 + 3 * i)];
    expect(pixel(1)).toEqual([235, 235, 235]);
    expect(pixel(2)).toEqual([235, 235, 235]); // log10(0)
    expect(pixel(0)).toEqual(viridis(0));
    expect(pixel(3)).toEqual(viridis(1));
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('an empty map still renders its axes and says "no data"', () => {
    const svg = rasterHeatmap([], { x: [0, 1], y: [0, 1] });
    assertWellFormedXml(svg);
    expect(svg).toContain('no data');
    expect(svg).not.toContain('<image');
  });
});
