import { runService } from '@klepaas/bootstrap';
import { provisionerService } from './provisioner.service';

void runService(provisionerService);
