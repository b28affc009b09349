// The ports commands through gateways run on: the commands (the audit log) and their answers' parts,
// and the MQTT publisher that sends a request.
import type { GatewayCommand, GatewayCommandKind } from '@plantwatch/shared';

export type CommandStatus = GatewayCommand['status'];

export interface StoredGatewayCommand {
  id: string;
  gatewayId: string;
  deviceId: string | null;
  kind: GatewayCommandKind;
  requestedBy: GatewayCommand['requestedBy'];
  requestedAt: Date;
  deadline: Date;
  status: CommandStatus;
  answeredAt: Date | null;
  error: string | null;
}

export interface GatewayCommandRepositories {
  gatewayCommands: {
    insert(
      command: Omit<StoredGatewayCommand, 'status' | 'answeredAt' | 'error'> & { params: unknown },
    ): Promise<void>;
    get(id: string): Promise<StoredGatewayCommand | null>;
    finish(
      id: string,
      outcome: { status: CommandStatus; answeredAt: Date | null; error: string | null },
    ): Promise<void>;
    /** Newest first. */
    list(gatewayId: string, limit: number): Promise<StoredGatewayCommand[]>;
  };
  gatewayCommandParts: {
    /** Keeps one part; a repeat (QoS 1 may deliver twice) changes nothing. */
    insert(part: {
      commandId: string;
      part: number;
      parts: number;
      chunk: string;
      receivedAt: Date;
    }): Promise<void>;
    list(commandId: string): Promise<{ part: number; parts: number; chunk: string }[]>;
  };
}

/** Publishes one MQTT message at QoS 1 (the local broker, or AWS IoT Core's data plane). */
export interface CommandPublisher {
  publish(message: { topic: string; payload: string; retain: boolean }): Promise<void>;
}

/** How the caller waits for the answer: a pause between looks at the parts received so far. */
export interface AnswerWait {
  sleep(ms: number): Promise<void>;
}
