/* bpf.c - classic BPF admission filters (see bpf.h). */
#include "bpf.h"

#include <stdlib.h>
#include <string.h>

struct blk {
    uint32_t index; /* (addr - lo) >> 5 */
    uint32_t bits;  /* bit b set: lo + index*32 + b accepted */
};

struct emit {
    struct sock_filter *p;
    size_t n, max;
    size_t tail, drop; /* absolute instruction positions */
};

static size_t tree_size(size_t nb)
{
    if (nb == 1)
        return 4;
    size_t l = (nb + 1) / 2;
    return 2 + tree_size(l) + tree_size(nb - l);
}

static void put(struct emit *e, struct sock_filter f)
{
    if (e->n < e->max)
        e->p[e->n] = f;
    e->n++;
}

static void emit_tree(struct emit *e, const struct blk *b, size_t nb)
{
    if (nb == 1) {
        /* jeq #index -> load the bitmap word and go test the bit; else drop */
        put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, b[0].index, 0, 2));
        put(e, (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, b[0].bits));
        put(e, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(e->tail - (e->n + 1))));
        put(e, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(e->drop - (e->n + 1))));
        return;
    }
    size_t l = (nb + 1) / 2;
    /* A > last index of the left half -> right half (after the left's code) */
    put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, b[l - 1].index, 0, 1));
    put(e, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)tree_size(l)));
    emit_tree(e, b, l);
    emit_tree(e, b + l, nb - l);
}

int lab_bpf_build(uint32_t lo, uint32_t hi, int (*member)(void *ctx, uint32_t addr), void *ctx,
                  struct sock_filter *prog, size_t max, struct sl_err *err)
{
    size_t cap = 64, nb = 0;
    struct blk *b = malloc(cap * sizeof *b);
    if (b == NULL)
        abort();
    for (uint64_t a = lo; a <= hi; a++) {
        if (!member(ctx, (uint32_t)a))
            continue;
        uint32_t idx = (uint32_t)((a - lo) >> 5);
        if (nb == 0 || b[nb - 1].index != idx) {
            if (nb == cap) {
                cap *= 2;
                b = realloc(b, cap * sizeof *b);
                if (b == NULL)
                    abort();
            }
            b[nb++] = (struct blk){idx, 0};
        }
        b[nb - 1].bits |= 1u << ((a - lo) & 31);
    }
    struct emit e = {.p = prog, .max = max};
    const uint32_t net_dst = (uint32_t)SKF_NET_OFF + 16; /* IPv4 destination */
    const size_t head = 8;
    if (nb == 0) {
        put(&e, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0));
        free(b);
        return 1;
    }
    size_t tsz = tree_size(nb);
    e.tail = head + tsz;
    e.drop = e.tail + 9; /* the last instruction: the kernel's store/load check
                          * reads the program linearly, so no RET may sit
                          * between the bitmap store and its load */
    if (e.drop + 1 > max) {
        free(b);
        return sl_err_set(err, "the address range needs %zu filter instructions (max %zu): use "
                               "fewer devices", e.drop + 1, max);
    }
    /* 0 */ put(&e, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, net_dst));
    /* 1 */ put(&e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 5));
    /* 2 */ put(&e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi, 4, 0));
    /* 3 */ put(&e, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, lo));
    /* 4 */ put(&e, (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TAX, 0));
    /* 5 */ put(&e, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 5));
    /* 6 */ put(&e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0));
    /* 7 */ put(&e, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(e.drop - 8)));
    /* 6 jumps over 7 into the tree; 1 and 2 land on 7, which jumps to drop. */
    emit_tree(&e, b, nb);
    /* tail: A = the block's bitmap word, X = the address offset */
    put(&e, (struct sock_filter)BPF_STMT(BPF_ST, 0));              /* M[0] = bits */
    put(&e, (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TXA, 0));   /* A = off */
    put(&e, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 31));
    put(&e, (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TAX, 0));   /* X = off & 31 */
    put(&e, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 0));     /* A = bits */
    put(&e, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0));
    put(&e, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 1));
    put(&e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0));
    put(&e, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x40000)); /* accept */
    put(&e, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0));       /* drop */
    free(b);
    if (e.n > max)
        return sl_err_set(err, "filter too large (%zu instructions)", e.n);
    return (int)e.n;
}

uint32_t lab_bpf_run(const struct sock_filter *prog, size_t n, uint32_t dst)
{
    uint32_t A = 0, X = 0, M[16] = {0};
    for (size_t pc = 0; pc < n; pc++) {
        const struct sock_filter *f = &prog[pc];
        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS: A = dst; break;
        case BPF_LD | BPF_IMM: A = f->k; break;
        case BPF_LD | BPF_MEM: A = M[f->k & 15]; break;
        case BPF_ST: M[f->k & 15] = A; break;
        case BPF_MISC | BPF_TAX: X = A; break;
        case BPF_MISC | BPF_TXA: A = X; break;
        case BPF_ALU | BPF_SUB | BPF_K: A -= f->k; break;
        case BPF_ALU | BPF_RSH | BPF_K: A >>= f->k; break;
        case BPF_ALU | BPF_RSH | BPF_X: A = X < 32 ? A >> X : 0; break;
        case BPF_ALU | BPF_AND | BPF_K: A &= f->k; break;
        case BPF_JMP | BPF_JA: pc += f->k; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += A == f->k ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JGT | BPF_K: pc += A > f->k ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JGE | BPF_K: pc += A >= f->k ? f->jt : f->jf; break;
        case BPF_RET | BPF_K: return f->k;
        default: return 0;
        }
    }
    return 0;
}
