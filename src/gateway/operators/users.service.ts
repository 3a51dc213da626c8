import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { CreateUserDto, UserView } from './operators.dto';
import { hashPassword } from './passwords';
import { RefreshToken } from './refresh-token.entity';
import { User } from './user.entity';

const toView = (u: User): UserView => ({
  id: u.id,
  email: u.email,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
  disabledAt: u.disabledAt?.toISOString() ?? null,
});

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
  ) {}

  async create(caller: Principal, dto: CreateUserDto): Promise<UserView> {
    const user = this.users.create({
      id: uuidv7(),
      workspaceId: caller.workspaceId,
      email: dto.email,
      passwordHash: await hashPassword(dto.password),
      role: dto.role,
      disabledAt: null,
    });
    const inserted = await this.users
      .createQueryBuilder()
      .insert()
      .values(user)
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0)
      throw new ProblemException('CONFLICT', 'A user with this e-mail already exists');
    return toView(await this.users.findOneByOrFail({ id: user.id }));
  }

  list(caller: Principal, query: PageQuery): Promise<Page<UserView>> {
    const qb = this.users.createQueryBuilder('u').where('u.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, toView);
  }

  async get(caller: Principal, id: string): Promise<UserView> {
    const user = await this.users.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!user) throw notFound('User');
    return toView(user);
  }

  /** Disables the user and ends every session: refresh tokens stop working at once. */
  async disable(caller: Principal, id: string): Promise<void> {
    const user = await this.users.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!user) throw notFound('User');
    await this.users.update({ id, disabledAt: IsNull() }, { disabledAt: new Date() });
    await this.refreshTokens.update({ userId: id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
