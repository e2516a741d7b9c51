import { runService } from '@klepaas/bootstrap';
import { gatewayService } from './gateway.service';
import { runPreflight } from './preflight/run-preflight';

// `node dist/apps/gateway/main.js --preflight` (npm run preflight) checks instead of serving.
if (process.argv.includes('--preflight')) void runPreflight().then((code) => process.exit(code));
else void runService(gatewayService);
