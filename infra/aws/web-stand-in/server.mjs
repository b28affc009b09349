// Answers every request with 503 and how to deploy the real web app (see docs/deploy-aws.md).
import { createServer } from 'node:http';

const message =
  'The Plantwatch web app was not built into this deployment. Deploy with ' +
  '`npm run deploy -w @plantwatch/infra-aws`, which builds it (docs/deploy-aws.md).\n';

createServer((_request, response) => {
  response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end(message);
}).listen(Number(process.env.PORT ?? 8080), process.env.HOSTNAME ?? '127.0.0.1');
