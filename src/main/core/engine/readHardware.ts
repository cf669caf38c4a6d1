import { readFile } from 'node:fs/promises'
import os from 'node:os'
import type { Llama } from 'node-llama-cpp'
import { chooseThreads, physicalCoresFromCpuinfo } from '../../../shared/threads'
import type { Hardware } from '../../../shared/types'

/** `MemAvailable` from /proc/meminfo (what a new allocation can get), else os.freemem(). */
export async function availableRamBytes(): Promise<number> {
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '')
  const match = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)
  return match?.[1] ? Number(match[1]) * 1024 : os.freemem()
}

let physicalCoresCache: number | null | undefined

async function physicalCores(): Promise<number | null> {
  if (physicalCoresCache === undefined) {
    const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '')
    physicalCoresCache = physicalCoresFromCpuinfo(cpuinfo)
  }
  return physicalCoresCache
}

/** Threads for a model of this many weight bytes on this machine. */
export async function recommendThreads(weightBytes: number): Promise<number> {
  return chooseThreads(await physicalCores(), os.availableParallelism(), weightBytes)
}

/** What the machine has: GPU and VRAM as llama.cpp sees them, RAM, and cores. */
export async function readHardware(llama: Llama): Promise<Hardware> {
  const logicalCores = os.availableParallelism()
  const [vram, names, ramFreeBytes, physical] = await Promise.all([
    llama.getVramState(),
    llama.getGpuDeviceNames().catch(() => [] as string[]),
    availableRamBytes(),
    physicalCores(),
  ])
  const cores = Math.min(physical ?? logicalCores, logicalCores)
  return {
    gpu: {
      backend: llama.gpu,
      names,
      vramTotalBytes: llama.gpu ? vram.total : 0,
      vramFreeBytes: llama.gpu ? vram.free : 0,
    },
    ramTotalBytes: os.totalmem(),
    ramFreeBytes,
    physicalCores: cores,
    logicalCores,
    defaultThreads: chooseThreads(physical, logicalCores),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  }
}
