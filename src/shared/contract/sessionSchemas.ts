import { OVERFLOW_POLICIES } from '../contextBudget'
import { z } from 'zod'
import type { ContextComposition, SessionDelta, SessionPosition, SessionSummary, SessionView, TreeNode } from '../treeView'
import { turnStatsSchema } from './modelSchemas'

/** Schemas of the session side of the contract: the conversation tree as views, positions and deltas. */

const count = z.number().int().min(0)
const id = z.string().min(1).max(200)

export const treeNodeSchema: z.ZodType<TreeNode> = z.object({
  id,
  parentId: id.nullable(),
  kind: z.enum(['user', 'assistant', 'toolResult', 'branchSummary', 'compactionSummary', 'custom']),
  text: z.string(),
  tokens: count.nullable(),
  label: z.string().nullable(),
  timestamp: z.string(),
  stats: turnStatsSchema.optional(),
  error: z.string().optional(),
  hidden: z.boolean().optional(),
  compaction: z.object({ tokensBefore: z.number().min(0), firstKeptId: z.string() }).optional(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) })).optional(),
  tool: z.object({ name: z.string(), isError: z.boolean() }).optional(),
  thinking: z.string().optional(),
})

export const sessionSummarySchema: z.ZodType<SessionSummary> = z.object({
  id: z.string(),
  path: z.string(),
  name: z.string().nullable(),
  updatedAt: z.number(),
  nodeCount: count,
  firstMessage: z.string().nullable(),
  parentSession: z.string().optional(),
  source: z.literal('pi').optional(),
  project: z.string().optional(),
})

export const contextCompositionSchema: z.ZodType<ContextComposition> = z.object({
  systemPromptTokens: count,
  toolTokens: count,
  historyTokens: count,
  historyMessages: count,
  templateTokens: count,
  contextSize: count,
  estimated: z.boolean().optional(),
  approximate: z.boolean().optional(),
})

export const sessionPositionSchema: z.ZodType<SessionPosition> = z.object({
  sessionId: z.string(),
  leafId: id.nullable(),
  composition: contextCompositionSchema.nullable(),
})

const flags = {
  summary: sessionSummarySchema,
  parentSession: z.string().nullable(),
  systemPrompt: z.string(),
  systemPromptTokens: count.nullable(),
  favouriteLeafId: id.nullable(),
  collapsed: z.array(id),
  warnings: z.array(z.string()),
  canUndo: z.boolean(),
  toolsEnabled: z.boolean(),
  overflowPolicy: z.enum(OVERFLOW_POLICIES).nullable(),
  cwd: z.string(),
}

export const sessionViewSchema: z.ZodType<SessionView> = z.object({
  seq: count,
  ...flags,
  nodes: z.array(treeNodeSchema),
  leafId: id.nullable(),
  composition: contextCompositionSchema.nullable(),
})

export const sessionDeltaSchema: z.ZodType<SessionDelta> = z.object({
  sessionId: z.string(),
  seq: count,
  ...z.object(flags).partial().shape,
  upserted: z.array(treeNodeSchema).optional(),
  removed: z.array(id).optional(),
  clearTokens: z.boolean().optional(),
  tokens: z.record(id, count.nullable()).optional(),
  leafId: id.nullable().optional(),
  composition: contextCompositionSchema.nullable().optional(),
})
