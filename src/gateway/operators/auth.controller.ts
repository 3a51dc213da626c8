import { ApiProblems } from '../../platform/openapi/problem-response';
import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../platform/http/principal';
import { LoginDto, RefreshDto, TokensView } from './operators.dto';
import { SessionsService } from './sessions.service';

@ApiTags('operators')
@Public()
@ApiProblems(400, 415, 503)
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in an operator: access and refresh tokens (throttled per e-mail and IP)' })
  @ApiOkResponse({ type: TokensView })
  @ApiProblems(401, 429)
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokensView> {
    return this.sessions.login(dto, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade a refresh token for new tokens; the old one stops working' })
  @ApiOkResponse({ type: TokensView })
  @ApiProblems(401)
  refresh(@Body() dto: RefreshDto): Promise<TokensView> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of a refresh token' })
  @ApiNoContentResponse({ description: 'Logged out (also when the token was unknown)' })
  logout(@Body() dto: RefreshDto): Promise<void> {
    return this.sessions.logout(dto.refreshToken);
  }
}
