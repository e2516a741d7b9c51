import { runService } from '@klepaas/bootstrap';
import { mirrorService } from './mirror.service';

void runService(mirrorService);
