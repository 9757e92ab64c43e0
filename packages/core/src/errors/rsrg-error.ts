/** Base of every error the packages throw on purpose; `exitCode` is what the CLI exits with. */
export class RsrgError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
