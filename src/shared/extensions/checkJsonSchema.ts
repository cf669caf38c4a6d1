const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'])
const KNOWN = new Set([
  'type', 'description', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'anyOf',
  'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'format', 'default', 'title', '$schema',
])
const NUMERIC = ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const
const MAX_DEPTH = 16

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Checks a tool's `parameters`: an object schema that uses only the JSON Schema keywords node-llama-cpp
 * understands, well formed. Returns a readable problem, or null when it is fine. Pure.
 */
export function checkJsonSchema(schema: unknown, at = 'parameters', depth = 0, root = true): string | null {
  if (depth > MAX_DEPTH) return `${at}: nested more than ${MAX_DEPTH} levels deep`
  if (!isRecord(schema)) return `${at}: a schema must be an object, got ${Array.isArray(schema) ? 'an array' : typeof schema}`
  if (root && schema.type !== 'object') return `${at}: must be an object schema ({ "type": "object", ... })`
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) return `${at}: unsupported keyword "${key}"`
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type]
  for (const t of types) if (typeof t !== 'string' || !TYPES.has(t)) return `${at}.type: unknown type ${JSON.stringify(t)}`
  if (schema.description !== undefined && typeof schema.description !== 'string') return `${at}.description: must be a string`
  for (const key of NUMERIC) {
    const v = schema[key]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) return `${at}.${key}: must be a number`
  }
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') return `${at}.pattern: must be a string`
    try {
      new RegExp(schema.pattern)
    } catch {
      return `${at}.pattern: not a valid regular expression`
    }
  }
  if (schema.enum !== undefined) {
    if (!Array.isArray(schema.enum) || schema.enum.length === 0) return `${at}.enum: must be a non-empty array`
    if (schema.enum.some((v) => v !== null && !['string', 'number', 'boolean'].includes(typeof v))) return `${at}.enum: values must be strings, numbers, booleans or null`
  }
  if (schema.properties !== undefined) {
    if (!isRecord(schema.properties)) return `${at}.properties: must be an object`
    for (const [name, sub] of Object.entries(schema.properties)) {
      const problem = checkJsonSchema(sub, `${at}.properties.${name}`, depth + 1, false)
      if (problem) return problem
    }
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || schema.required.some((r) => typeof r !== 'string')) return `${at}.required: must be an array of property names`
    const props = isRecord(schema.properties) ? schema.properties : {}
    const unknown = (schema.required as string[]).find((r) => !(r in props))
    if (unknown !== undefined) return `${at}.required: "${unknown}" is not among the properties`
  }
  if (schema.additionalProperties !== undefined && typeof schema.additionalProperties !== 'boolean') return `${at}.additionalProperties: must be true or false`
  if (schema.items !== undefined) {
    const problem = checkJsonSchema(schema.items, `${at}.items`, depth + 1, false)
    if (problem) return problem
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = schema[key]
    if (list === undefined) continue
    if (!Array.isArray(list) || list.length === 0) return `${at}.${key}: must be a non-empty array of schemas`
    for (const [i, sub] of list.entries()) {
      const problem = checkJsonSchema(sub, `${at}.${key}[${i}]`, depth + 1, false)
      if (problem) return problem
    }
  }
  return null
}
