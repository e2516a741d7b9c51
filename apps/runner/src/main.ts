import { runService } from '@klepaas/bootstrap';
import { runnerService } from './runner.service';

void runService(runnerService);
