// The messages between the DuckDB store's worker thread and the thread that uses it (ADR 0055).

export interface WorkerCall {
  id: number;
  method: string;
  args: unknown[];
}

/** An error as it crosses threads: its class is not kept, its name, message and stack are. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

export type WorkerReply =
  | { ready: true; methods: string[]; values: Record<string, unknown> }
  | { ready: false; error: WireError }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError };

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.stack) error.stack = wire.stack;
  return error;
}
