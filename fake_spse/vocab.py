"""Word lists for synthetic but realistic Indonesian procurement data (package, firm, agency names).

Kept apart from the world generator so that the generator reads as rules, not as data.
"""

from __future__ import annotations

CONSTRUCTION = "Pekerjaan Konstruksi"
INTEGRATED = "Pekerjaan Konstruksi Terintegrasi"
CONSULTING_CONSTRUCTION = "Jasa Konsultansi Badan Usaha Konstruksi"
GOODS = "Pengadaan Barang"
CONSULTING_OTHER = "Jasa Konsultansi Badan Usaha Non Konstruksi"
OTHER_SERVICES = "Jasa Lainnya"
CONSULTING_PERSON = "Jasa Konsultansi Perorangan"

# (category, weight): about 30% construction in all.
CATEGORY_WEIGHTS = (
    (CONSTRUCTION, 21),
    (CONSULTING_CONSTRUCTION, 6),
    (INTEGRATED, 3),
    (GOODS, 30),
    (OTHER_SERVICES, 20),
    (CONSULTING_OTHER, 12),
    (CONSULTING_PERSON, 8),
)
CONSTRUCTION_CATEGORIES = frozenset({CONSTRUCTION, INTEGRATED, CONSULTING_CONSTRUCTION})
CONSULTING = frozenset({CONSULTING_CONSTRUCTION, CONSULTING_OTHER, CONSULTING_PERSON})

WORKS = (
    "Pembangunan",
    "Rehabilitasi",
    "Peningkatan",
    "Pemeliharaan Berkala",
    "Rekonstruksi",
    "Penggantian",
    "Pelebaran",
    "Normalisasi",
)
OBJECTS = (
    "Jalan",
    "Gedung",
    "Jembatan",
    "Saluran Irigasi",
    "Drainase",
    "Gedung Kantor",
    "Puskesmas",
    "Ruang Kelas Baru SDN",
    "Pasar Rakyat",
    "Talud",
    "Embung",
    "Box Culvert",
    "Trotoar & Drainase",
    "Pagar & Gerbang",
    "Sumur Bor",
    "Tanggul Sungai",
)
PLACES = ("Ruas", "Desa", "Kelurahan", "Dusun", "Kampung", "Jl.")
PLACE_NAMES = (
    "Sukamaju",
    "Mekarsari",
    "Karang Anyar",
    "Sidorejo",
    "Tanjung Harapan",
    "Ma'rang",
    "Sungai Raya",
    "Batu Putih",
    "Lubuk Linggau",
    "Air Hitam",
    "Suka Damai",
    "Bukit Tinggi",
)
CONSULTING_WORKS = ("Perencanaan", "Pengawasan", "Penyusunan DED", "Studi Kelayakan", "Manajemen Konstruksi")
INTEGRATED_WORKS = ("Rancang Bangun", "Pelaksanaan Konstruksi Terintegrasi Rancang Bangun")
GOODS_ITEMS = (
    "Alat Kesehatan",
    "Meja & Kursi Sekolah",
    "Komputer dan Printer",
    "Kendaraan Dinas Roda 4",
    "Obat-obatan",
    "Bahan Makanan Pasien",
    "Lampu & Passbox",
    "Pakaian Dinas Harian",
    "Alat Laboratorium",
    "Buku Perpustakaan",
    "Genset 500 KVA",
    "Benih Padi Unggul",
)
SERVICE_ITEMS = (
    "Jasa Kebersihan Gedung",
    "Jasa Keamanan (Satpam)",
    "Sewa Kendaraan Operasional",
    "Jasa Cetak Dokumen",
    "Asuransi Gedung",
    "Jasa Catering Rapat",
    "Pemeliharaan AC Sentral",
    "Jasa Pengangkutan Sampah",
)
ADVICE_ITEMS = (
    "Penyusunan Masterplan Smart City",
    "Kajian Tata Kelola Keuangan",
    "Audit Sistem Informasi",
    'Penyusunan Dokumen "RPJMD"',
    "Survei Kepuasan Masyarakat",
    "Penyusunan Rencana Strategis",
)

MINISTRIES = (
    (
        "Kementerian Pekerjaan Umum",
        ("Direktorat Jenderal Bina Marga", "Balai Besar Pelaksanaan Jalan Nasional", "Balai Wilayah Sungai"),
    ),
    (
        "Kementerian Kesehatan",
        (
            "RUMAH SAKIT UMUM PUSAT",
            "Direktorat Jenderal Pelayanan Kesehatan",
            "Balai Besar Laboratorium Kesehatan",
        ),
    ),
    ("Kementerian Agama", ("Kantor Wilayah Kementerian Agama", "Madrasah Aliyah Negeri 1")),
    ("Kementerian Pendidikan Dasar dan Menengah", ("Balai Penjaminan Mutu Pendidikan",)),
)
REGIONAL_UNITS = (
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "DINAS PERUMAHAN RAKYAT DAN KAWASAN PERMUKIMAN",
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "RSUD  Dr. Soedarso",
    "Dinas Perhubungan",
    "Badan Penanggulangan Bencana Daerah",
    "Sekretariat Daerah",
    "Dinas Sumber Daya Air",
)

FIRM_PREFIXES = ("PT.", "CV.", "CV", "PT")
FIRM_WORDS = (
    "Karya",
    "Bangun",
    "Mitra",
    "Sarana",
    "Cipta",
    "Jaya",
    "Abadi",
    "Perkasa",
    "Mandiri",
    "Utama",
    "Nusantara",
    "Persada",
    "Konsultan",
    "Teknik",
    "Sejahtera",
    "Makmur",
    "Anugrah",
    "Putra",
    "Dwi",
    "Tri",
    "Bumi",
    "Kreasi",
    "Graha",
    "Rekayasa",
)
STREETS = (
    "Jl. Ahmad Yani",
    "Jl HM SUWIGNYO GG KURNIA",
    "Jalan Raya Pahlawan Revolusi",
    "Jl. Sudirman",
    "Jl. Gatot Subroto",
    "Jl. Diponegoro",
    "Jl. Imam Bonjol",
    "Komp. Griya Asri Blok C",
    "Jl. Trans Kalimantan",
    "Jl. Merdeka Barat",
)

TENDER_STAGES = (
    "Pengumuman Pascakualifikasi",
    "Download Dokumen Pemilihan",
    "Pemberian Penjelasan",
    "Upload Dokumen Penawaran",
    "Pembukaan Dokumen Penawaran",
    "Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga",
    "Pembuktian Kualifikasi",
    "Penetapan Pemenang",
    "Pengumuman Pemenang",
    "Masa Sanggah",
    "Surat Penunjukan Penyedia Barang/Jasa",
    "Penandatanganan Kontrak",
)
TENDER_WINNER_STAGE = "Pengumuman Pemenang"
NON_TENDER_STAGES = (
    "Upload Dokumen Penawaran",
    "Pembukaan Dokumen Penawaran",
    "Evaluasi Penawaran",
    "Klarifikasi Teknis dan Negosiasi",
    "Penandatanganan Kontrak",
)
NON_TENDER_WINNER_STAGE = "Penandatanganan Kontrak"
QUALIFICATION_METHODS = ("Pascakualifikasi Satu File", "Pascakualifikasi Dua File", "Prakualifikasi Dua File")
EVALUATION_METHODS = ("Harga Terendah Sistem Gugur", "Sistem Nilai", "Harga Terendah Ambang Batas")
CONSULTING_EVALUATION = ("Kualitas dan Biaya", "Kualitas", "Pagu Anggaran", "Biaya Terendah")
NON_TENDER_METHODS = ("Pengadaan Langsung", "Pengadaan Langsung", "Pengadaan Langsung", "Penunjukan Langsung")
CONTRACT_TYPES = ("Lumsum", "Harga Satuan", "Gabungan Lumsum dan Harga Satuan")
SWAKELOLA_ITEMS = (
    "Rehabilitasi Jalan Lingkungan oleh Kelompok Masyarakat",
    "Pemeliharaan Saluran Irigasi Tersier (P3A)",
    "Seleksi Pengisian Jabatan",
    "Pelaksanaan Pendidikan dan Pelatihan Teknis",
    "Penyusunan Laporan Keuangan",
    "Pembinaan Jabatan Fungsional",
)
