import { runService } from '@klepaas/bootstrap';
import { gatewayService } from './gateway.service';

void runService(gatewayService);
