type Schema = Record<string, unknown>

const isRecord = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v)
const SCALARS = new Set(['string', 'number', 'integer', 'boolean', 'null'])
const GRAMMAR_FORMATS = new Set(['date-time', 'time', 'date'])
const ANY = { type: ['string', 'number', 'boolean', 'null'] }

const withDescription = (out: Schema, from: Schema): Schema => (typeof from.description === 'string' ? { ...out, description: from.description } : out)

/**
 * A tool's JSON Schema (as `checkJsonSchema` accepts it) in the subset node-llama-cpp turns into a grammar,
 * so the model can only produce arguments of the right shape. That subset has no optional properties: a
 * property not in `required` becomes "its type or null", and `withoutNullOptionals` removes those nulls
 * before the tool sees the arguments. Keywords the grammar cannot express (`pattern`, `minimum`, …) are left
 * to the tool to check. Pure.
 */
export function toolSchemaForModel(schema: unknown): Schema {
  if (!isRecord(schema)) return ANY
  if (Array.isArray(schema.enum)) return withDescription({ enum: schema.enum }, schema)
  if (schema.const !== undefined) return withDescription({ const: schema.const }, schema)
  const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : null
  if (alternatives) return withDescription({ oneOf: alternatives.map(toolSchemaForModel) }, schema)
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : schema.type === undefined ? [] : [schema.type]
  if (types.length === 0) return withDescription(ANY, schema)
  if (types.length > 1) {
    if (types.every((t) => typeof t === 'string' && SCALARS.has(t))) return withDescription({ type: types }, schema)
    return withDescription({ oneOf: types.map((t) => toolSchemaForModel({ ...schema, type: t, description: undefined })) }, schema)
  }
  const type = types[0]
  if (type === 'object') {
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
    const properties: Schema = {}
    for (const [name, sub] of Object.entries(isRecord(schema.properties) ? schema.properties : {})) {
      const converted = toolSchemaForModel(sub)
      properties[name] = required.has(name) ? converted : { oneOf: [converted, { type: 'null' }] }
    }
    const out: Schema = { type: 'object', properties }
    if (schema.additionalProperties === true) out.additionalProperties = true
    return withDescription(out, schema)
  }
  if (type === 'array') {
    const out: Schema = { type: 'array', items: schema.items === undefined ? ANY : toolSchemaForModel(schema.items) }
    if (typeof schema.minItems === 'number') out.minItems = schema.minItems
    if (typeof schema.maxItems === 'number') out.maxItems = schema.maxItems
    return withDescription(out, schema)
  }
  if (type === 'string') {
    const out: Schema = { type: 'string' }
    if (typeof schema.format === 'string' && GRAMMAR_FORMATS.has(schema.format)) out.format = schema.format
    else {
      if (typeof schema.minLength === 'number') out.minLength = schema.minLength
      if (typeof schema.maxLength === 'number') out.maxLength = schema.maxLength
    }
    return withDescription(out, schema)
  }
  return withDescription({ type }, schema)
}

/** Removes the nulls the model gave for optional properties (see `toolSchemaForModel`), at every depth. Pure. */
export function withoutNullOptionals(value: unknown, schema: unknown): unknown {
  if (!isRecord(schema)) return value
  const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : null
  if (alternatives) {
    // The object alternative that has every key the value has: the one the grammar followed.
    const keys = isRecord(value) ? Object.keys(value) : []
    const chosen = isRecord(value) ? alternatives.find((a) => isRecord(a) && isRecord(a.properties) && keys.every((k) => k in (a.properties as Schema))) : undefined
    return chosen === undefined ? value : withoutNullOptionals(value, chosen)
  }
  if (Array.isArray(value)) return schema.items === undefined ? value : value.map((v) => withoutNullOptionals(v, schema.items))
  if (!isRecord(value) || !isRecord(schema.properties)) return value
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  const out: Schema = {}
  for (const [key, v] of Object.entries(value)) {
    if (v === null && !required.has(key) && key in schema.properties) continue
    out[key] = withoutNullOptionals(v, schema.properties[key])
  }
  return out
}
