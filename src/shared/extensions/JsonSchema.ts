/** The subset of JSON Schema a tool's parameters may use (what node-llama-cpp turns into a grammar). */
export type JsonSchema = {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | Array<'string' | 'number' | 'integer' | 'boolean' | 'null'>
  description?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  items?: JsonSchema
  enum?: Array<string | number | boolean | null>
  const?: string | number | boolean | null
  oneOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  pattern?: string
  format?: string
  default?: unknown
}

/** A tool's parameters: always an object schema. */
export type JsonObjectSchema = JsonSchema & { type: 'object' }
