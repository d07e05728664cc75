// Validates a parsed YAML/JSON document against a field spec, node by node, so every problem carries the
// file, line and column of the value at fault, the field's path, what was expected and what was found.
import { extname } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { closestName, describeExpected, type FieldSpec, type ObjectSpec, type TaggedSpec, type VariantSpec } from './spec.js';

export interface Position {
  line: number;
  column: number;
}

export interface ScenarioProblem {
  position: Position;
  field: string;
  expected: string;
  found: string;
}

export function formatProblem(file: string, problem: ScenarioProblem): string {
  return `${file}:${problem.position.line}:${problem.position.column}: ${problem.field || '(top level)'}: expected ${problem.expected}, found ${problem.found}`;
}

/**
 * Parses YAML (or JSON, its subset) keeping positions; `syntaxErrors` holds one `file:line:col: …` line per
 * parse error, empty when the text parsed.
 */
export function parseWithPositions(text: string, file: string): { document: Document; lineCounter: LineCounter; syntaxErrors: string[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const syntaxErrors = document.errors.map((error) => {
    const at = lineCounter.linePos(error.pos[0]);
    const firstLine = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return `${file}:${at?.line ?? 1}:${at?.col ?? 1}: not valid ${extname(file) === '.json' ? 'JSON/YAML' : 'YAML'}: ${firstLine}`;
  });
  return { document, lineCounter, syntaxErrors };
}

/** What the validator hands back: plain values, and where each field path was written. */
export interface Validated {
  value: unknown;
  positions: Map<string, Position>;
}

export class NodeValidator {
  readonly problems: ScenarioProblem[] = [];
  readonly positions = new Map<string, Position>();
  private readonly document: Document;
  private readonly lineCounter: LineCounter;

  constructor(document: Document, lineCounter: LineCounter) {
    this.document = document;
    this.lineCounter = lineCounter;
  }

  positionOf(node: Node | null | undefined, fallback?: Position): Position {
    const offset = node?.range?.[0];
    if (offset === undefined) return fallback ?? { line: 1, column: 1 };
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  problem(position: Position, field: string, expected: string, found: string): undefined {
    this.problems.push({ position, field, expected, found });
    return undefined;
  }

  /** Returns the plain value, or undefined (with a problem recorded) when the node does not fit the spec. */
  check(input: unknown, spec: FieldSpec, path: string, parentPosition: Position): unknown {
    const node = this.resolve(input);
    const position = this.positionOf(node, parentPosition);
    this.positions.set(path, position);
    switch (spec.kind) {
      case 'integer':
      case 'number': {
        const value = isScalar(node) ? node.value : undefined;
        const ok = typeof value === 'number' && Number.isFinite(value) && (spec.kind === 'number' || Number.isInteger(value));
        if (!ok || value < spec.min || value > spec.max) return this.problem(position, path, describeExpected(spec), describeFound(node));
        return value;
      }
      case 'boolean': {
        const value = isScalar(node) ? node.value : undefined;
        if (typeof value !== 'boolean') return this.problem(position, path, describeExpected(spec), describeFound(node));
        return value;
      }
      case 'string': {
        const value = isScalar(node) ? node.value : undefined;
        if (typeof value !== 'string' || value.length === 0 || (spec.pattern !== undefined && !new RegExp(spec.pattern).test(value))) {
          return this.problem(position, path, describeExpected(spec), describeFound(node));
        }
        return value;
      }
      case 'enum': {
        const value = isScalar(node) ? node.value : undefined;
        if (typeof value !== 'string' || !spec.values.includes(value)) {
          const suggestion = typeof value === 'string' ? closestName(value, spec.values) : undefined;
          return this.problem(position, path, describeExpected(spec), `${describeFound(node)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
        }
        return value;
      }
      case 'pair': {
        if (!isSeq(node) || node.items.length !== 2) return this.problem(position, path, describeExpected(spec), describeFound(node));
        const first = this.check(node.items[0], spec.item, `${path}[0]`, position);
        const last = this.check(node.items[1], spec.item, `${path}[1]`, position);
        if (typeof first !== 'number' || typeof last !== 'number') return undefined;
        if (first > last) return this.problem(position, path, describeExpected(spec), `[${first}, ${last}] (first > last)`);
        return [first, last];
      }
      case 'count': {
        if (isMap(node)) {
          const bounds = this.checkObject(node, {
            kind: 'object', description: '', fields: { min: { kind: 'integer', min: spec.min, max: spec.max, description: '' }, max: { kind: 'integer', min: spec.min, max: spec.max, description: '' } },
          }, path, position) as { min?: number; max?: number } | undefined;
          if (bounds === undefined) return undefined;
          if (bounds.min === undefined && bounds.max === undefined) return this.problem(position, path, describeExpected(spec), 'an empty range');
          if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
            return this.problem(position, path, describeExpected(spec), `min ${bounds.min} > max ${bounds.max}`);
          }
          return bounds;
        }
        const value = isScalar(node) ? node.value : undefined;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
          return this.problem(position, path, describeExpected(spec), describeFound(node));
        }
        return value;
      }
      case 'list': {
        if (!isSeq(node) || node.items.length > spec.maxItems) return this.problem(position, path, describeExpected(spec), describeFound(node));
        const values = node.items.map((item, index) => this.check(item, spec.item, `${path}[${index}]`, position));
        return values.every((value) => value !== undefined) ? values : undefined;
      }
      case 'map': {
        if (!isMap(node)) return this.problem(position, path, describeExpected(spec), describeFound(node));
        const result: Record<string, unknown> = {};
        let ok = true;
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? pair.key.value : undefined;
          const keyPosition = this.positionOf(pair.key as Node, position);
          if (typeof key !== 'string' || !spec.keys.includes(key)) {
            const suggestion = typeof key === 'string' ? closestName(key, spec.keys) : undefined;
            this.problem(keyPosition, path, `keys from ${spec.keys.join(', ')}`, `${describeFound(pair.key as Node)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
            ok = false;
            continue;
          }
          const value = this.check(pair.value, spec.value, `${path}.${key}`, keyPosition);
          if (value === undefined) ok = false;
          else result[key] = value;
        }
        return ok ? result : undefined;
      }
      case 'object':
        return this.checkObject(node, spec, path, position);
      case 'tagged':
        return this.checkTagged(node, spec, path, position);
    }
  }

  private resolve(input: unknown): Node | null {
    if (input === undefined || input === null) return null;
    if (isAlias(input)) return (input.resolve(this.document) as Node | undefined) ?? null;
    return input as Node;
  }

  private checkObject(node: Node | null, spec: ObjectSpec | (VariantSpec & { kind: 'object' }), path: string, position: Position, skip: readonly string[] = []): unknown {
    if (!isMap(node)) return this.problem(position, path, describeExpected({ ...spec, kind: 'object' } as ObjectSpec), describeFound(node));
    const result: Record<string, unknown> = {};
    let ok = true;
    const present = new Set<string>();
    const known = Object.keys(spec.fields);
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const keyPosition = this.positionOf(pair.key as Node, position);
      const fieldPath = path ? `${path}.${String(key)}` : String(key);
      if (typeof key === 'string' && skip.includes(key)) continue;
      // own fields only: a key such as 'constructor' or '__proto__' is an unknown field, not Object.prototype's
      if (typeof key !== 'string' || !Object.hasOwn(spec.fields, key)) {
        const suggestion = typeof key === 'string' ? closestName(key, known) : undefined;
        this.problem(keyPosition, fieldPath, `one of the fields ${known.join(', ') || '(none)'}`, `an unknown field ${describeFound(pair.key as Node)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
        ok = false;
        continue;
      }
      present.add(key);
      const value = this.check(pair.value, spec.fields[key]!, fieldPath, keyPosition);
      if (value === undefined) ok = false;
      else result[key] = value;
    }
    for (const field of spec.required ?? []) {
      if (!present.has(field) && !skip.includes(field)) {
        this.problem(position, path ? `${path}.${field}` : field, `a '${field}' field: ${describeExpected(spec.fields[field]!)}`, 'none');
        ok = false;
      }
    }
    for (const group of spec.exactlyOne ?? []) {
      const given = group.filter((field) => present.has(field));
      if (given.length !== 1) {
        this.problem(position, path, `exactly one of ${group.join(', ')}`, given.length === 0 ? 'none of them' : given.join(' and '));
        ok = false;
      }
    }
    for (const group of spec.atMostOne ?? []) {
      const given = group.filter((field) => present.has(field));
      if (given.length > 1) {
        this.problem(position, path, `at most one of ${group.join(', ')}`, given.join(' and '));
        ok = false;
      }
    }
    return ok ? result : undefined;
  }

  private checkTagged(node: Node | null, spec: TaggedSpec, path: string, position: Position): unknown {
    if (!isMap(node)) return this.problem(position, path, describeExpected(spec), describeFound(node));
    const tags = Object.keys(spec.variants);
    const tagNode = node.items.find((pair) => isScalar(pair.key) && pair.key.value === spec.tag);
    const tagPath = path ? `${path}.${spec.tag}` : spec.tag;
    if (!tagNode) return this.problem(position, tagPath, `a '${spec.tag}' field: one of ${tags.join(', ')}`, 'none');
    const tag = this.check(tagNode.value, { kind: 'enum', values: tags, description: '' }, tagPath, this.positionOf(tagNode.key as Node, position));
    if (typeof tag !== 'string') return undefined;
    const variant = spec.variants[tag]!;
    const value = this.checkObject(node, {
      kind: 'object',
      description: variant.description,
      fields: { ...spec.common, ...variant.fields },
      required: variant.required,
      exactlyOne: [...(spec.commonExactlyOne ?? []), ...(variant.exactlyOne ?? [])],
      atMostOne: variant.atMostOne,
    }, path, position, [spec.tag]);
    return value === undefined ? undefined : { [spec.tag]: tag, ...(value as Record<string, unknown>) };
  }
}

/** "'abc'", "'20' (a number in quotes: write 20 without them)", "12.5", "a list", "nothing". */
export function describeFound(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'nothing (null)';
    if (typeof value === 'string') return describeText(value);
    return String(value);
  }
  return 'an unsupported value';
}

/** Text as the user wrote it; a number in quotes is said to be one, since that is the usual slip. */
function describeText(value: string): string {
  const shownValue = `'${value.length > 60 ? `${value.slice(0, 57)}…` : value}'`;
  const trimmed = value.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return `${shownValue} (a number in quotes: write ${trimmed} without them)`;
  return shownValue;
}
