import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { afterCursorSql, CREATED_US_SQL, type Cursor } from '../http/pagination';
import type { Role } from '../identity/caller';

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  display_name: string | null;
  locale: 'ru' | 'en';
  created_at: Date;
  last_login_at: Date | null;
}

export type UserListRow = Omit<UserRow, 'password_hash'> & { created_us: string };

const PUBLIC_COLUMNS = 'id, email, role, display_name, locale, created_at, last_login_at';

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Returns false when the e-mail is taken (unique index), without raising. */
  async insert(
    u: Pick<UserRow, 'id' | 'email' | 'password_hash' | 'role' | 'display_name' | 'locale'>,
  ): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO gateway.users (id, email, password_hash, role, display_name, locale)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING RETURNING id`,
      [u.id, u.email, u.password_hash, u.role, u.display_name, u.locale],
    )) as unknown[];
    return rows.length === 1;
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const rows = (await this.dataSource.query(`SELECT * FROM gateway.users WHERE email = $1`, [email])) as UserRow[];
    return rows[0];
  }

  async findById(id: string, m: EntityManager = this.dataSource.manager): Promise<UserRow | undefined> {
    const rows = (await m.query(`SELECT * FROM gateway.users WHERE id = $1`, [id])) as UserRow[];
    return rows[0];
  }

  /** The account with its new role; undefined when there is no such user. */
  async setRole(id: string, role: Role): Promise<UserRow | undefined> {
    await this.dataSource.query(`UPDATE gateway.users SET role = $2, updated_at = now() WHERE id = $1`, [id, role]);
    return this.findById(id);
  }

  async setPasswordHash(id: string, hash: string): Promise<void> {
    await this.dataSource.query(`UPDATE gateway.users SET password_hash = $2, updated_at = now() WHERE id = $1`, [
      id,
      hash,
    ]);
  }

  async touchLogin(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE gateway.users SET last_login_at = now() WHERE id = $1`, [id]);
  }

  async setLocale(id: string, locale: 'ru' | 'en'): Promise<void> {
    await this.dataSource.query(`UPDATE gateway.users SET locale = $2, updated_at = now() WHERE id = $1`, [id, locale]);
  }

  /** Newest first, keyset-paginated (admin). */
  async list(limit: number, cursor: Cursor | undefined): Promise<UserListRow[]> {
    const after = afterCursorSql(cursor, 2);
    return (await this.dataSource.query(
      `SELECT ${PUBLIC_COLUMNS}, ${CREATED_US_SQL} FROM gateway.users
        WHERE ${after.sql} ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit, ...after.params],
    )) as UserListRow[];
  }
}
