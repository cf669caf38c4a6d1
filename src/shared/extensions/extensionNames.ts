/** Tool names the model can call: what function-calling grammars accept. */
export const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/

/** Command names, typed after a slash. */
export const COMMAND_NAME = /^[a-z0-9][a-z0-9_:-]{0,63}$/
