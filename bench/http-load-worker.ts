// Worker-thread entry for startLoadWorker(): runs measureThroughput on request, one at a time,
// reusing one keep-alive agent per concurrency so later rounds start on warm connections.
import { Agent } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { type LoadWorkerReply, type LoadWorkerRequest, measureThroughput } from './http-load.ts';

if (!parentPort) throw new Error('http-load-worker.ts runs as a worker thread (see startLoadWorker)');
const port = parentPort;
const agents = new Map<number, Agent>();

port.on('message', async ({ id, options }: LoadWorkerRequest) => {
  let agent = agents.get(options.concurrency);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    agents.set(options.concurrency, agent);
  }
  let reply: LoadWorkerReply;
  try {
    reply = { id, result: await measureThroughput(options, agent) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
