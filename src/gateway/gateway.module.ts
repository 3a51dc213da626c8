import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config';
import { ApiKey } from './api-keys/api-key.entity';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { gatewayConfig } from './gateway.config';
import { AuditLog } from './audit/audit-log.entity';
import { AuditController } from './audit/audit.controller';
import { AuditRecorder } from './audit/audit.recorder';
import { AuditService } from './audit/audit.service';
import { AuthService } from './auth/auth.service';
import { GatewayGuard } from './auth/gateway.guard';
import { AuthController } from './operators/auth.controller';
import { RefreshToken } from './operators/refresh-token.entity';
import { SessionsService } from './operators/sessions.service';
import { User } from './operators/user.entity';
import { UsersController } from './operators/users.controller';
import { UsersService } from './operators/users.service';
import { BootstrapService } from './workspaces/bootstrap.service';
import { Workspace } from './workspaces/workspace.entity';
import { CurrentWorkspaceController, WorkspacesController } from './workspaces/workspaces.controller';
import { WorkspacesService } from './workspaces/workspaces.service';

/** Who may do what, how fast, and what they did: workspaces, keys, operators, limits, audit. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Workspace, ApiKey, User, RefreshToken, AuditLog]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.security.jwtSecret,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
  ],
  controllers: [
    WorkspacesController,
    CurrentWorkspaceController,
    ApiKeysController,
    UsersController,
    AuthController,
    AuditController,
  ],
  providers: [
    gatewayConfig.provider,
    { provide: APP_GUARD, useClass: GatewayGuard },
    AuthService,
    ApiKeysService,
    WorkspacesService,
    UsersService,
    SessionsService,
    AuditRecorder,
    AuditService,
    BootstrapService,
  ],
  exports: [AuthService, WorkspacesService],
})
export class GatewayModule {}
