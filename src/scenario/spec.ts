// A small description language for scenario fields: one table drives validation (with file:line messages)
// and the published JSON Schema (schema/scenario.schema.json), so the two cannot drift apart.

export type FieldSpec =
  | { kind: 'integer'; min: number; max: number; description: string }
  | { kind: 'number'; min: number; max: number; description: string }
  | { kind: 'boolean'; description: string }
  | { kind: 'string'; description: string; pattern?: string; patternHint?: string }
  | { kind: 'enum'; values: readonly string[]; description: string }
  | { kind: 'pair'; item: FieldSpec; description: string }
  | { kind: 'count'; min: number; max: number; description: string }
  | { kind: 'list'; item: FieldSpec; maxItems: number; description: string }
  | { kind: 'map'; keys: readonly string[]; value: FieldSpec; description: string }
  | ObjectSpec
  | TaggedSpec;

export interface ObjectSpec {
  kind: 'object';
  description: string;
  fields: Readonly<Record<string, FieldSpec>>;
  required?: readonly string[];
  /** Groups of fields of which exactly one must be present. */
  exactlyOne?: ReadonlyArray<readonly string[]>;
  /** Groups of fields of which at most one may be present. */
  atMostOne?: ReadonlyArray<readonly string[]>;
}

/** An object whose `tag` field picks the variant that says which other fields it has. */
export interface TaggedSpec {
  kind: 'tagged';
  description: string;
  tag: string;
  /** Fields every variant has (e.g. when a timeline action happens). */
  common: Readonly<Record<string, FieldSpec>>;
  commonExactlyOne?: ReadonlyArray<readonly string[]>;
  variants: Readonly<Record<string, VariantSpec>>;
}

export interface VariantSpec {
  description: string;
  fields: Readonly<Record<string, FieldSpec>>;
  required?: readonly string[];
  exactlyOne?: ReadonlyArray<readonly string[]>;
  atMostOne?: ReadonlyArray<readonly string[]>;
}

export const integer = (min: number, max: number, description: string): FieldSpec => ({ kind: 'integer', min, max, description });
export const number = (min: number, max: number, description: string): FieldSpec => ({ kind: 'number', min, max, description });
export const boolean = (description: string): FieldSpec => ({ kind: 'boolean', description });
export const choice = (values: readonly string[], description: string): FieldSpec => ({ kind: 'enum', values, description });

/** What a value of this spec looks like, for "expected …" in messages. */
export function describeExpected(spec: FieldSpec): string {
  switch (spec.kind) {
    case 'integer': return `a whole number from ${spec.min} to ${spec.max}`;
    case 'number': return `a number from ${spec.min} to ${spec.max}`;
    case 'boolean': return 'true or false';
    case 'string': return spec.patternHint ?? 'a string';
    case 'enum': return `one of ${spec.values.join(', ')}`;
    case 'pair': return `a list of two values [first, last], each ${describeExpected(spec.item)}, first ≤ last`;
    case 'count': return `a whole number from ${spec.min} to ${spec.max}, or a range { min, max }`;
    case 'list': return `a list of at most ${spec.maxItems} items`;
    case 'map': return `a mapping with keys from ${spec.keys.join(', ')}`;
    case 'object': return `a mapping with fields ${Object.keys(spec.fields).join(', ')}`;
    case 'tagged': return `a mapping with a '${spec.tag}' field (one of ${Object.keys(spec.variants).join(', ')})`;
  }
}

type JsonSchema = Record<string, unknown>;

/** The JSON Schema (draft 2020-12) of a field spec. */
export function toJsonSchema(spec: FieldSpec): JsonSchema {
  switch (spec.kind) {
    case 'integer':
      return { type: 'integer', minimum: spec.min, maximum: spec.max, description: spec.description };
    case 'number':
      return { type: 'number', minimum: spec.min, maximum: spec.max, description: spec.description };
    case 'boolean':
      return { type: 'boolean', description: spec.description };
    case 'string':
      return spec.pattern === undefined
        ? { type: 'string', description: spec.description }
        : { type: 'string', pattern: spec.pattern, description: spec.description };
    case 'enum':
      return { enum: [...spec.values], description: spec.description };
    case 'pair':
      return { type: 'array', prefixItems: [toJsonSchema(spec.item), toJsonSchema(spec.item)], items: false, minItems: 2, description: spec.description };
    case 'count':
      return {
        description: spec.description,
        oneOf: [
          { type: 'integer', minimum: spec.min, maximum: spec.max },
          {
            type: 'object', additionalProperties: false, minProperties: 1,
            properties: { min: { type: 'integer', minimum: spec.min, maximum: spec.max }, max: { type: 'integer', minimum: spec.min, maximum: spec.max } },
          },
        ],
      };
    case 'list':
      return { type: 'array', items: toJsonSchema(spec.item), maxItems: spec.maxItems, description: spec.description };
    case 'map':
      return {
        type: 'object', description: spec.description, additionalProperties: false,
        properties: Object.fromEntries(spec.keys.map((key) => [key, toJsonSchema(spec.value)])),
      };
    case 'object':
      return objectSchema(spec.description, propertiesOf(spec.fields), spec.required, spec.exactlyOne, spec.atMostOne);
    case 'tagged': {
      const tags = Object.keys(spec.variants);
      return {
        type: 'object',
        description: spec.description,
        required: [spec.tag],
        properties: { [spec.tag]: { enum: tags } },
        ...(spec.commonExactlyOne ? { allOf: exactlyOneSchemas(spec.commonExactlyOne) } : {}),
        oneOf: tags.map((tag) => {
          const variant = spec.variants[tag]!;
          const properties = { [spec.tag]: { const: tag, description: variant.description }, ...propertiesOf(spec.common), ...propertiesOf(variant.fields) };
          return objectSchema(variant.description, properties, [spec.tag, ...(variant.required ?? [])], variant.exactlyOne, variant.atMostOne);
        }),
      };
    }
  }
}

function exactlyOneSchemas(groups: ReadonlyArray<readonly string[]>): JsonSchema[] {
  return groups.map((group) => ({ oneOf: group.map((field) => ({ required: [field] })) }));
}

function propertiesOf(fields: Readonly<Record<string, FieldSpec>>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, toJsonSchema(field)]));
}

function objectSchema(
  description: string,
  properties: Record<string, JsonSchema>,
  required: readonly string[] | undefined,
  exactlyOne: ReadonlyArray<readonly string[]> | undefined,
  atMostOne: ReadonlyArray<readonly string[]> | undefined,
): JsonSchema {
  const all = [
    ...exactlyOneSchemas(exactlyOne ?? []),
    ...(atMostOne ?? []).map((group) => ({ not: { anyOf: pairsOf(group).map((pair) => ({ required: pair })) } })),
  ];
  return {
    type: 'object',
    description,
    additionalProperties: false,
    ...(required && required.length > 0 ? { required: [...required] } : {}),
    properties,
    ...(all.length > 0 ? { allOf: all } : {}),
  };
}

function pairsOf(group: readonly string[]): string[][] {
  const pairs: string[][] = [];
  for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) pairs.push([group[i]!, group[j]!]);
  return pairs;
}

/** Edit distance, for "did you mean …?". */
export function levenshtein(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(previous[j]! + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The closest known name when it is close enough to be a likely typo, or the one name it abbreviates. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const extending = name.length >= 3 ? known.filter((candidate) => candidate.toLowerCase().startsWith(name.toLowerCase())) : [];
  if (extending.length === 1) return extending[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
