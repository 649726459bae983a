/**
 * Test helpers. A strict enough well-formedness check for the SVG we write (tests only need this
 * much): tags balance, attributes are quoted, and text holds no raw `<` or stray `&`. Throws on
 * the first problem with its offset.
 */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token = /<[^>]*>|[^<]+/g;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi;
  let seenRoot = false;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    const t = m[0];
    if (!t.startsWith('<')) {
      if (t.replace(entity, '').includes('&')) throw new Error(`stray & at ${m.index}`);
      if (stack.length === 0 && t.trim()) throw new Error(`text outside the root at ${m.index}`);
      continue;
    }
    if (t.startsWith('<?') || t.startsWith('<!--')) continue;
    const tag = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(t);
    if (!tag) throw new Error(`malformed tag at ${m.index}: ${t.slice(0, 80)}`);
    const [, close, name, attrs, selfClose] = tag;
    if (attrs!.replace(entity, '').includes('&')) throw new Error(`stray & in attributes at ${m.index}`);
    const names = [...attrs!.matchAll(/([\w:-]+)=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) throw new Error(`duplicate attribute at ${m.index}`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}> at ${m.index}`);
    } else {
      if (stack.length === 0 && seenRoot) throw new Error(`second root element at ${m.index}`);
      if (!selfClose) stack.push(name!);
      seenRoot = true;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (!seenRoot) throw new Error('no root element');
}

/** Drawn data in an xy chart: the dots of its point series and the runs of its line series. */
export function xyMarks(svg: string): { points: number; lines: number; linePaths: string[] } {
  const paths = [...svg.matchAll(/<path class="mark" d="([^"]*)"( fill="none")?/g)];
  const linePaths = paths.filter((m) => m[2] !== undefined).map((m) => m[1] ?? '');
  return {
    points: paths
      .filter((m) => m[2] === undefined)
      .reduce((n, m) => n + (m[1]?.match(/h0/g) ?? []).length, 0),
    lines: linePaths.reduce((n, d) => n + (d.match(/M/g) ?? []).length, 0),
    linePaths,
  };
}
