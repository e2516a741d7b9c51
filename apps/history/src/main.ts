import { runService } from '@klepaas/bootstrap';
import { historyService } from './history.service';

void runService(historyService);
