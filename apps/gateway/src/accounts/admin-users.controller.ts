import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { PageQueryDto } from '../http/page-query.dto';
import { Roles } from '../identity/caller';
import { SetRoleDto, UserProfileDto } from './auth.dto';
import { toProfile } from './user-accounts.service';
import { UsersRepository } from './users.repository';

class UserPageDto {
  @ApiProperty({ type: [UserProfileDto] }) items!: UserProfileDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** Administration: every user, newest first. Other callers get 404. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() q: PageQueryDto): Promise<UserPageDto> {
    const rows = await this.users.list(q.limit + 1, q.cursor ? decodeCursor(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(toProfile),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ createdUs: last.created_us, id: last.id }) : null,
    };
  }

  /** Makes an account a shop (catalogue management), an admin, or a plain user again. */
  @Put(':id/role')
  @ApiOkResponse({ type: UserProfileDto })
  async setRole(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: SetRoleDto): Promise<UserProfileDto> {
    const user = await this.users.setRole(id, dto.role);
    if (!user) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'user not found');
    return toProfile(user);
  }
}
