import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { EVENTS, PAYLOAD_RULES } from '@atelier/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FLOATS = new Set([ScalarType.DOUBLE, ScalarType.FLOAT]);

/** Event schemas by protobuf type name: a decoded message carries its `$typeName`. */
const EVENT_SCHEMAS = new Map<string, DescMessage>(Object.values(EVENTS).map((e) => [e.schema.typeName, e.schema]));

export const isEventMessage = (value: unknown): value is { $typeName: string } =>
  typeof value === 'object' &&
  value !== null &&
  EVENT_SCHEMAS.has((value as { $typeName?: unknown }).$typeName as string);

function scalarProblem(field: DescField, scalar: ScalarType, value: unknown, path: string): string | undefined {
  const name = field.name;
  if (scalar === ScalarType.STRING && name.endsWith('_id') && !PAYLOAD_RULES.freeFormIds.has(name)) {
    const id = value as string;
    if (id === '' && PAYLOAD_RULES.optionalIds.has(name)) return undefined;
    return UUID.test(id) ? undefined : `${path} ${JSON.stringify(id.slice(0, 64))} is not a UUID`;
  }
  if (typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  const n = Number(value);
  if (FLOATS.has(scalar) && !Number.isFinite(n)) return `${path} is not a finite number`;
  const range = PAYLOAD_RULES.ranges[name];
  if (range && (n < range[0] || n > range[1])) return `${path} = ${String(value)} is outside ${range[0]}..${range[1]}`;
  return undefined;
}

/** Problems of a decoded message against the rules derived from its schema (libs/contracts PAYLOAD_RULES). */
export function payloadProblems(schema: DescMessage, message: Record<string, unknown>, prefix = ''): string[] {
  const problems: string[] = [];
  for (const field of schema.fields) {
    const value = message[field.localName];
    const path = prefix + field.name;
    if (field.fieldKind === 'scalar') {
      const p = scalarProblem(field, field.scalar, value, path);
      if (p) problems.push(p);
    } else if (field.fieldKind === 'message' && value) {
      problems.push(...payloadProblems(field.message, value as Record<string, unknown>, `${path}.`));
    } else if (field.fieldKind === 'list' && Array.isArray(value)) {
      value.forEach((item: unknown, i) => {
        if (field.listKind === 'scalar') {
          const p = scalarProblem(field, field.scalar, item, `${path}[${i}]`);
          if (p) problems.push(p);
        } else if (field.listKind === 'message') {
          problems.push(...payloadProblems(field.message, item as Record<string, unknown>, `${path}[${i}].`));
        }
      });
    }
  }
  return problems;
}

/** Checks a decoded event payload; returns the problems found (empty: valid). */
export function eventPayloadProblems(message: { $typeName: string }): string[] {
  const schema = EVENT_SCHEMAS.get(message.$typeName);
  return schema ? payloadProblems(schema, message as unknown as Record<string, unknown>) : [];
}
