import { describe, expect, it } from 'vitest'
import { chooseThreads, physicalCoresFromCpuinfo } from '../../src/shared/threads'

const cpu = (physical: number, core: number) => `processor\t: x\nphysical id\t: ${physical}\ncore id\t\t: ${core}\n\n`

describe('thread choice', () => {
  it('counts physical cores, not hyper-threads', () => {
    const twoCoresFourThreads = cpu(0, 0) + cpu(0, 1) + cpu(0, 0) + cpu(0, 1)
    expect(physicalCoresFromCpuinfo(twoCoresFourThreads)).toBe(2)
    expect(physicalCoresFromCpuinfo(cpu(0, 0) + cpu(1, 0))).toBe(2)
    expect(physicalCoresFromCpuinfo('processor : 0\n')).toBeNull()
  })
  it('uses one thread per physical core (never 4 threads on 2 cores)', () => {
    expect(chooseThreads(2, 2)).toBe(2)
    expect(chooseThreads(8, 16)).toBe(8)
    expect(chooseThreads(null, 4)).toBe(2)
    expect(chooseThreads(16, 4)).toBe(4)
    expect(chooseThreads(null, 1)).toBe(1)
  })
  it('gives small models fewer threads, big ones every physical core', () => {
    const MiB = 1024 * 1024
    expect(chooseThreads(2, 2, 48 * MiB)).toBe(1)
    expect(chooseThreads(2, 2, 230 * MiB)).toBe(2)
    expect(chooseThreads(2, 2, 1120 * MiB)).toBe(2)
    expect(chooseThreads(8, 16, 300 * MiB)).toBe(3)
    expect(chooseThreads(8, 16, 8000 * MiB)).toBe(8)
  })
})
