// A strict parser of the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), for tests: it throws on
// anything the format does not allow instead of guessing, so a /metrics that parses here parses for Prometheus.
// Checked: line syntax and escapes, metric and label names, values (Go ParseFloat syntax: decimals, NaN, ±Inf),
// HELP and TYPE at most once per family and before its samples, each family's lines in one group, no
// duplicate series, histogram buckets cumulative with an le="+Inf" bucket equal to _count, summaries'
// quantile labels, counters not negative, and the final newline.

/** One sample line. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family: its TYPE (untyped when none was given), HELP and samples in order. */
export interface PromFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | undefined;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])$/;

/** Parses exposition text into families by name; throws an Error naming the line for anything invalid. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, PromFamily>();
  const closed = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n');
  lines.pop();
  const family = (name: string): PromFamily => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', help: undefined, samples: [] }));
    return f;
  };
  const enter = (name: string, at: string): void => {
    if (current === name) return;
    if (closed.has(name)) throw new Error(`${at}: lines of ${name} are not in one group`);
    if (current !== undefined) closed.add(current);
    current = name;
  };
  lines.forEach((line, i) => {
    const at = `line ${i + 1} "${line}"`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // a comment
      const [, keyword, name, rest] = m as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new Error(`${at}: bad metric name`);
      enter(name, at);
      const f = family(name);
      if (f.samples.length > 0) throw new Error(`${at}: ${keyword} after samples of ${name}`);
      if (keyword === 'HELP') {
        if (f.help !== undefined) throw new Error(`${at}: second HELP for ${name}`);
        f.help = unescape(rest ?? '', false, at);
      } else {
        if ((f as { typed?: boolean }).typed) throw new Error(`${at}: second TYPE for ${name}`);
        const type = (rest ?? '').trim();
        if (!TYPES.has(type)) throw new Error(`${at}: unknown type "${type}"`);
        f.type = type as PromFamily['type'];
        (f as { typed?: boolean }).typed = true;
      }
      return;
    }
    const s = parseSample(line, at);
    const name = familyOf(s.name, families);
    enter(name, at);
    const f = family(name);
    const key = `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
    if (f.samples.some((x) => `${x.name}${JSON.stringify(Object.entries(x.labels).sort())}` === key)) throw new Error(`${at}: duplicate series`);
    f.samples.push(s);
  });
  for (const f of families.values()) {
    delete (f as { typed?: boolean }).typed;
    checkFamily(f);
  }
  return families;
}

/** The value of the sample `name` with exactly `labels` in `families`; undefined when absent. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const keys = Object.keys(s.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => s.labels[k] === labels[k])) return s.value;
    }
  }
  return undefined;
}

function familyOf(sample: string, families: Map<string, PromFamily>): string {
  if (families.has(sample)) return sample;
  const m = /^(.*)_(bucket|sum|count)$/.exec(sample);
  if (m) {
    const base = families.get(m[1]!);
    if (base && (base.type === 'histogram' || (base.type === 'summary' && m[2] !== 'bucket'))) return base.name;
  }
  return sample;
}

function parseSample(line: string, at: string): PromSample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!m) throw new Error(`${at}: bad metric name`);
  const name = m[1]!;
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos));
      if (!lm) throw new Error(`${at}: bad label at column ${pos + 1}`);
      const label = lm[1]!;
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`${at}: bad label name "${label}"`);
      if (label in labels) throw new Error(`${at}: label "${label}" twice`);
      pos += lm[0].length;
      let raw = '';
      while (pos < line.length && line[pos] !== '"') {
        if (line[pos] === '\\') {
          raw += line.slice(pos, pos + 2);
          pos += 2;
        } else raw += line[pos++];
      }
      if (line[pos] !== '"') throw new Error(`${at}: unterminated label value`);
      pos++;
      labels[label] = unescape(raw, true, at);
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') throw new Error(`${at}: expected , or } at column ${pos + 1}`);
    }
  }
  if (line[pos] !== ' ' && line[pos] !== '\t') throw new Error(`${at}: no blank before the value`);
  const fields = line.slice(pos).trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2) throw new Error(`${at}: expected a value and an optional timestamp`);
  if (!FLOAT.test(fields[0]!)) throw new Error(`${at}: bad value "${fields[0]}"`);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`${at}: bad timestamp "${fields[1]}"`);
  return { name, labels, value: parseFloatGo(fields[0]!) };
}

function parseFloatGo(text: string): number {
  const t = text.toLowerCase().replace(/^\+/, '');
  if (t === 'nan') return Number.NaN;
  if (/^-?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^-?0x/.test(t)) return (t.startsWith('-') ? -1 : 1) * Number.parseInt(t.replace(/^-?0x/, ''), 16);
  return Number(t);
}

/** Undoes the format's escapes: `\\` and `\n` (and `\"` in label values); any other escape is an error. */
function unescape(raw: string, quoted: boolean, at: string): string {
  return raw.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quoted) return '"';
    throw new Error(`${at}: bad escape "\\${c}"`);
  });
}

function checkFamily(f: PromFamily): void {
  const base = f.name;
  for (const s of f.samples) {
    const suffix = s.name.slice(base.length);
    if (f.type === 'histogram') {
      if (!['_bucket', '_sum', '_count'].includes(suffix)) throw new Error(`${s.name}: not a histogram sample of ${base}`);
      if (suffix === '_bucket' && s.labels['le'] === undefined) throw new Error(`${s.name}: bucket without le`);
    } else if (f.type === 'summary') {
      if (!['', '_sum', '_count'].includes(suffix)) throw new Error(`${s.name}: not a summary sample of ${base}`);
      if (suffix === '' && (s.labels['quantile'] === undefined || !FLOAT.test(s.labels['quantile']))) throw new Error(`${s.name}: summary sample without a quantile`);
    } else if (s.name !== base) throw new Error(`${s.name}: sample name differs from its family ${base}`);
    if (f.type === 'counter' && s.value < 0) throw new Error(`${s.name}: negative counter`);
  }
  if (f.type !== 'histogram') return;
  // Per series (labels without le): buckets non-decreasing in le, the +Inf bucket present and equal to _count.
  const series = new Map<string, { le: number; v: number }[]>();
  const keyOf = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());
  for (const s of f.samples) {
    if (!s.name.endsWith('_bucket')) continue;
    const k = keyOf(s.labels);
    series.set(k, [...(series.get(k) ?? []), { le: parseFloatGo(s.labels['le']!), v: s.value }]);
  }
  for (const [k, buckets] of series) {
    buckets.sort((a, b) => a.le - b.le);
    for (let i = 1; i < buckets.length; i++) if (buckets[i]!.v < buckets[i - 1]!.v) throw new Error(`${base}${k}: buckets not cumulative`);
    const inf = buckets.at(-1)!;
    if (inf.le !== Infinity) throw new Error(`${base}${k}: no le="+Inf" bucket`);
    const count = f.samples.find((s) => s.name === `${base}_count` && keyOf(s.labels) === k);
    if (!count || count.value !== inf.v) throw new Error(`${base}${k}: _count differs from the +Inf bucket`);
  }
}
