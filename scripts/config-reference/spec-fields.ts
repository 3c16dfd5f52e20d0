import { z } from 'zod';

/** One field of the pipeline spec as the reference lists it. */
export interface SpecField {
  /** Dotted path; `[]` marks the items of a list (`data.sources[].path`). */
  path: string;
  type: string;
  /** The default as YAML would write it, `required`, or empty when the field may be left out. */
  default: string;
  description: string;
  /** Variants of a list item that have this field (`faq_csv` sources only), when not all of them do. */
  only: string[];
}

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** The duration pattern the schema gives timers and timeouts; shown by name rather than as a regular expression. */
const DURATION_PATTERN = '^\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)$';

/**
 * Every field of a zod object schema, in the order the schema declares them, with the type, default and
 * description zod reports for what a user writes (the input side: before defaults and transforms).
 */
export function specFields(schema: z.ZodType): SpecField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const fields: SpecField[] = [];
  walkObject(json, '', fields);
  return fields;
}

function walkObject(schema: JsonSchema, prefix: string, out: SpecField[], only: string[] = []): void {
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const required = (schema.required ?? []).includes(name) && field.default === undefined;
    out.push({ path, type: typeOf(field), default: required ? 'required' : defaultOf(field), description: field.description ?? '', only });
    walkChildren(field, path, out);
  }
}

function walkChildren(field: JsonSchema, path: string, out: SpecField[]): void {
  if (field.properties) walkObject(field, path, out);
  const items = field.items;
  if (items?.properties) walkObject(items, `${path}[]`, out);
  const variants = items?.oneOf ?? items?.anyOf;
  if (variants?.every((v) => v.properties)) walkVariants(variants, `${path}[]`, out);
}

/** The objects of a discriminated union: each field once, with the variants that have it when not all do. */
function walkVariants(variants: JsonSchema[], prefix: string, out: SpecField[]): void {
  const discriminator = Object.keys(variants[0]!.properties!).find((key) => variants.every((v) => v.properties![key]?.const !== undefined));
  const label = (v: JsonSchema) => String(discriminator ? v.properties![discriminator]!.const : variants.indexOf(v));
  const seen = new Map<string, SpecField>();
  for (const variant of variants) {
    const fields: SpecField[] = [];
    walkObject(variant, prefix, fields, [label(variant)]);
    for (const field of fields) {
      const known = seen.get(field.path);
      if (known) known.only = [...known.only, ...field.only];
      else seen.set(field.path, field);
    }
  }
  for (const field of seen.values()) {
    if (field.path === `${prefix}.${discriminator}`) {
      field.type = `one of ${variants.map((v) => `\`${label(v)}\``).join(', ')}`;
      field.only = [];
    } else if (field.only.length === variants.length) {
      field.only = [];
    }
    out.push(field);
  }
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return `one of ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map((a) => (a.properties ? `{ ${Object.keys(a.properties).join(', ')} }` : typeOf(a))).join(', or ');
  if (Array.isArray(s.type)) return s.type.join(' or ');
  switch (s.type) {
    case 'integer':
    case 'number':
      return `${s.type}${bounds(s)}`;
    case 'string':
      if (s.pattern === DURATION_PATTERN) return 'duration (`90s`, `15m`, `24h`, `7d`)';
      if (s.pattern) return `string matching \`${s.pattern}\``;
      return s.minLength ? 'non-empty string' : 'string';
    case 'array': {
      const items = s.items;
      const objects = items && (items.properties || (items.oneOf ?? items.anyOf)?.every((v) => v.properties));
      return `list of ${objects ? 'objects' : items ? plural(typeOf(items)) : 'values'}${s.minItems ? ` (at least ${s.minItems})` : ''}`;
    }
    case 'object':
      return s.properties ? 'section' : 'map';
    case 'boolean':
      return 'boolean';
    default:
      return 'any';
  }
}

function plural(type: string): string {
  return type.replace(/^(non-empty string|string|integer|number|boolean)\b/, '$1s');
}

/** Numeric bounds in the usual notation; the safe-integer limits zod adds to every integer are left out. */
function bounds(s: JsonSchema): string {
  const low = s.exclusiveMinimum !== undefined ? { v: s.exclusiveMinimum, open: true } : s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER ? { v: s.minimum, open: false } : null;
  const high = s.exclusiveMaximum !== undefined ? { v: s.exclusiveMaximum, open: true } : s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? { v: s.maximum, open: false } : null;
  if (low && high) return ` in ${low.open ? '(' : '['}${low.v}, ${high.v}${high.open ? ')' : ']'}`;
  if (low) return ` ${low.open ? '>' : '≥'} ${low.v}`;
  if (high) return ` ${high.open ? '<' : '≤'} ${high.v}`;
  return '';
}

function defaultOf(s: JsonSchema): string {
  if (s.default === undefined) return '';
  if (typeof s.default === 'object' && s.default !== null && !Array.isArray(s.default) && Object.keys(s.default).length === 0) return '';
  return `\`${JSON.stringify(s.default)}\``;
}
