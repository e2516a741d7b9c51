import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryOutcomeQueries } from './delivery-outcomes';
import { DeliveryStatsQueries } from './delivery-stats';
import { DeploymentQueries } from './deployments';
import { ProjectQueries } from './projects';
import { RunQueries } from './runs';
import { TimelineQueries } from './timeline';

/**
 * The read side other services may use: queries only, over tables that history alone writes.
 * The gateway answers every REST GET through this.
 */
@Injectable()
export class ReadModel {
  readonly deliveries: DeliveryOutcomeQueries;
  readonly timeline: TimelineQueries;
  readonly projects: ProjectQueries;
  readonly runs: RunQueries;
  readonly deployments: DeploymentQueries;
  readonly stats: DeliveryStatsQueries;

  constructor(dataSource: DataSource) {
    this.deliveries = new DeliveryOutcomeQueries(dataSource.manager);
    this.timeline = new TimelineQueries(dataSource.manager);
    this.projects = new ProjectQueries(dataSource.manager);
    this.runs = new RunQueries(dataSource.manager);
    this.deployments = new DeploymentQueries(dataSource.manager);
    this.stats = new DeliveryStatsQueries(dataSource.manager);
  }
}
