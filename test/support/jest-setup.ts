// Integration tests boot whole meshes of processes; their steps take seconds, not milliseconds.
jest.setTimeout(120000);
