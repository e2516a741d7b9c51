import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  EventEnvelope,
  Events,
  InstallationChangedPayload,
  ProjectRegistrationRequestedPayload,
  ProjectSettingsChangeRequestedPayload,
  ProjectRunsStoppedPayload,
  ProjectUnregistrationRequestedPayload,
} from '@klepaas/contracts';
import { ApplyInstallationChange } from '../installations/apply-installation-change';
import { ChangeSettings } from './change-settings';
import { RegisterProject } from './register-project';
import { UnregisterProject } from './unregister-project';

/** The provisioner's entry points: one event, one use case. */
@Controller()
export class CommandsController {
  constructor(
    private readonly register: RegisterProject,
    private readonly settings: ChangeSettings,
    private readonly unregister: UnregisterProject,
    private readonly installations: ApplyInstallationChange,
  ) {}

  @EventPattern(Events.ProjectRegistrationRequested.name)
  onRegistration(@Payload() envelope: EventEnvelope<string, ProjectRegistrationRequestedPayload>) {
    return this.register.handle(envelope);
  }

  @EventPattern(Events.ProjectSettingsChangeRequested.name)
  onSettingsChange(@Payload() envelope: EventEnvelope<string, ProjectSettingsChangeRequestedPayload>) {
    return this.settings.handle(envelope);
  }

  @EventPattern(Events.ProjectUnregistrationRequested.name)
  onUnregistration(@Payload() envelope: EventEnvelope<string, ProjectUnregistrationRequestedPayload>) {
    return this.unregister.requested(envelope);
  }

  @EventPattern(Events.ProjectRunsStopped.name)
  onRunsStopped(@Payload() envelope: EventEnvelope<string, ProjectRunsStoppedPayload>) {
    return this.unregister.runsStopped(envelope);
  }

  @EventPattern(Events.InstallationChanged.name)
  onInstallationChanged(@Payload() envelope: EventEnvelope<string, InstallationChangedPayload>) {
    return this.installations.handle(envelope);
  }
}
