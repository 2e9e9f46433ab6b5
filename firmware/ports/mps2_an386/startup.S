/* Vector table and reset entry for the emulated Cortex-M4F. The FPU is enabled before any C++ code runs
   (compiled with -mfloat-abi=hard, the first VFP instruction would otherwise fault). */
  .syntax unified
  .cpu cortex-m4
  .thumb

  .section .isr_vector, "a", %progbits
  .align 2
  .global tml_vectors
tml_vectors:
  .word _estack
  .word Reset_Handler
  .word tml_fault_handler   /* NMI */
  .word tml_fault_handler   /* HardFault */
  .word tml_fault_handler   /* MemManage */
  .word tml_fault_handler   /* BusFault */
  .word tml_fault_handler   /* UsageFault */
  .word 0, 0, 0, 0
  .word tml_fault_handler   /* SVCall */
  .word tml_fault_handler   /* DebugMon */
  .word 0
  .word tml_fault_handler   /* PendSV */
  .word SysTick_Handler

  .section .text.Reset_Handler, "ax", %progbits
  .global Reset_Handler
  .type Reset_Handler, %function
  .thumb_func
Reset_Handler:
  ldr r0, =0xE000ED88       /* CPACR: full access to CP10 and CP11 */
  ldr r1, [r0]
  orr r1, r1, #(0xF << 20)
  str r1, [r0]
  dsb
  isb
  b tml_reset
  .size Reset_Handler, . - Reset_Handler
