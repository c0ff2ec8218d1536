/*
 * The seed of fuzz/dump_vmlinux.c: fuzz/seeds.py compiles this into a small
 * static ELF (`cc -g -nostdlib -static`) that vmlinux_open() accepts: a
 * symbol table, a GNU build id, a linux_banner in an allocated section, and
 * DWARF for the structs and members the analysis and the printk reader
 * look up.  Names follow the kernel's; the layouts are this file's own.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef struct { long counter; } atomic_long_t;

struct list_head { struct list_head *next, *prev; };
struct llist_node { struct llist_node *next; };
struct llist_head { struct llist_node *first; };
struct kobject { const char *name; struct list_head entry; };
struct device_driver { const char *name; };
struct device { struct kobject kobj; struct device *parent; struct device_driver *driver; };
struct pci_dev { struct list_head bus_list; unsigned int devfn; struct device dev; };
struct dev_table_entry { u64 data[4]; };

struct amd_iommu_pci_seg {
	struct list_head list;
	struct llist_head dev_data_list;
	u16 id;
	u16 last_bdf;
	u32 dev_table_size;
	struct dev_table_entry *dev_table;
};

struct amd_iommu {
	struct list_head list;
	int index;
	u64 mmio_phys;
	u64 features;
	u16 devid;
	struct amd_iommu_pci_seg *pci_seg;
	u8 *cmd_buf;
	u32 cmd_buf_head;
	u32 cmd_buf_tail;
	u8 *evt_buf;
	u8 *ppr_log;
	_Bool need_sync;
	u32 flags;
	u64 *cmd_sem;
	u64 cmd_sem_val;
};

struct amd_io_pgtable { int mode; u64 *root; };
struct protection_domain { struct list_head dev_list; struct amd_io_pgtable iop; u16 id; };
struct iommu_dev_data {
	struct llist_node dev_data_list;
	struct device *dev;
	u16 devid;
	struct protection_domain *domain;
};

struct prb_desc { atomic_long_t state_var; };
struct printk_info { u64 seq; u64 ts_nsec; u16 text_len; };
struct prb_desc_ring { unsigned int count_bits; struct prb_desc *descs; struct printk_info *infos; };
struct prb_data_ring { unsigned int size_bits; char *data; };
struct printk_ringbuffer { struct prb_desc_ring desc_ring; struct prb_data_ring text_data_ring; };

const char linux_banner[] = "Linux version 6.1.0-fuzz-amd64 (seed@fuzz) #1 SMP\n";
struct list_head amd_iommu_list;
struct list_head amd_iommu_pci_seg_list;
u64 amd_iommu_efr = 0x29d3;
unsigned long sme_me_mask;
struct amd_iommu seed_iommu;
struct iommu_dev_data seed_dev_data;
struct protection_domain seed_domain;
struct pci_dev seed_pci_dev;
struct printk_ringbuffer *prb;

void _start(void);
void _start(void)
{
	for (;;)
		;
}
